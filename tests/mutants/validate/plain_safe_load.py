"""A plain yaml.safe_load keeps the last of duplicate keys and calls the manifest valid."""

import yaml

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("SCH-005",)
OPTIONS = ["--kaizen-validate={module}:validate", "--kaizen-strict"]

validate = validator(load=yaml.safe_load)
