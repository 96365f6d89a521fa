"""Prints a cheerful line on stderr when the manifest is valid: an acceptance must be silent there."""

import sys

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-002",)
OPTIONS = ["--kaizen-validate={module}:validate"]

_validate = validator()


def validate(repo):
    _validate(repo)
    print("schedule.yml looks good!", file=sys.stderr)
