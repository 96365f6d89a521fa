"""A validate command that prints its reason on stdout and leaves stderr empty."""

import sys

from mutants._mistakes import command_option
from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-002",)
OPTIONS = [command_option("validate"), "-k", "minimal or version-true"]

if __name__ == "__main__":
    try:
        validator()(sys.argv[1])
    except ValueError as exc:
        print(exc)
        sys.exit(1)
