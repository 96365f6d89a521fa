"""Parses with yaml.unsafe_load: a !!python/object/apply tag runs its command."""

import yaml

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("SCH-003", "VAL-001")
OPTIONS = ["--kaizen-validate={module}:validate"]

validate = validator(load=yaml.unsafe_load)
