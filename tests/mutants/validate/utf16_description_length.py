"""Counts a description's length in UTF-16 code units, as JavaScript's ``.length`` does: a valid
description of 500 emoji (1000 code units) is refused."""

from kaizen_conformance.reference.schedule import _VALIDATOR
from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("SCH-001", "VAL-001")
MESSAGE = r"description-500-astral|description-499-ascii-one-astral"
OPTIONS = ["--kaizen-validate={module}:validate", "-k", "astral"]


def utf16_length(text):
    return len(text.encode("utf-16-le")) // 2


def check(document):
    _VALIDATOR.validate(document)
    for agent in document["agents"]:
        if utf16_length(agent.get("description", "")) > 500:
            raise ValueError("description longer than 500 characters")


validate = validator(check=check)
