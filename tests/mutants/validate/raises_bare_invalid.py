"""Raises ValueError("invalid"): the owner learns neither which file nor what is wrong."""

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-002",)
OPTIONS = ["--kaizen-validate={module}:validate"]

validate = validator(reason=lambda path, exc: "invalid")
