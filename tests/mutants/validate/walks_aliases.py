"""Walks the parsed manifest node by node before validating: an alias bomb never ends."""
import yaml

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("SCH-004", "VAL-001")
OPTIONS = ["--kaizen-validate={module}:validate", "-k", "laughs or alias or minimal"]


def count(value, depth=0):
    if depth > 200:
        return 1
    if isinstance(value, dict):
        return 1 + sum(count(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(count(v, depth + 1) for v in value)
    return 1


def load(text):
    document = yaml.safe_load(text)
    count(document)
    return document


validate = validator(load=load)
