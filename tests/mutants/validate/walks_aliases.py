"""Walks the parsed manifest node by node before validating: an alias bomb never ends."""

import yaml

from mutants._mistakes import walk
from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("SCH-004", "VAL-001")
KIND = "over-limit"  # SCH-004 / VAL-001: an alias bomb is decided within the limit
OPTIONS = ["--kaizen-validate={module}:validate", "-k", "laughs or alias or minimal"]


def load(text):
    document = yaml.safe_load(text)
    walk(document)
    return document


validate = validator(load=load)
