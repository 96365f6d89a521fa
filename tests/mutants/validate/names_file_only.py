"""Names the file but not the problem: "…/.kaizen/schedule.yml: invalid manifest"."""

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-002",)
OPTIONS = ["--kaizen-validate={module}:validate"]

validate = validator(reason=lambda path, exc: f"{path}: invalid manifest")
