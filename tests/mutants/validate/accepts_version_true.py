"""Checks ``version == 1`` by Python equality, so ``version: true`` (True == 1) passes."""

import copy

from jsonschema import Draft202012Validator

from kaizen_conformance.reference.schedule import _VALIDATOR
from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("SCH-001", "VAL-001")
OPTIONS = ["--kaizen-validate={module}:validate"]

SCHEMA = copy.deepcopy(_VALIDATOR.schema)
SCHEMA["properties"]["version"] = {}
LOOSE = Draft202012Validator(SCHEMA)


def check(document):
    if document.get("version") != 1:
        raise ValueError("version must be 1")
    LOOSE.validate(document)


validate = validator(check=check)
