"""Never compares agent names: two agents called coach pass."""

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("SCH-002", "VAL-001")
OPTIONS = ["--kaizen-validate={module}:validate"]

validate = validator(names=lambda document: None)
