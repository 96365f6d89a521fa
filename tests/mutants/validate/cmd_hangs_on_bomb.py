"""A validate command that counts every node, aliases expanded, before checking: an alias bomb hangs it."""

import sys

import yaml

from mutants._mistakes import command_option, main
from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("SCH-004", "VAL-001")
KIND = "over-limit"  # SCH-004 / VAL-001: an alias bomb is decided within the limit
OPTIONS = [command_option("validate"), "-k", "laughs or minimal"]


def count(value):
    if isinstance(value, dict):
        return 1 + sum(count(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(count(v) for v in value)
    return 1


def load(text):
    document = yaml.safe_load(text)
    count(document)  # CPU only: the bomb's 10^9 nodes are visited, never built
    return document


if __name__ == "__main__":
    sys.exit(main(validator(load=load), "validate"))
