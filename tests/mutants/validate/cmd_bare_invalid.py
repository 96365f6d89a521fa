"""A validate command that prints a bare "invalid" on stderr: which file, and what is wrong with it?"""

import sys

from mutants._mistakes import command_option
from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-002",)
OPTIONS = [command_option("validate"), "-k", "minimal or version-true or empty-file"]

if __name__ == "__main__":
    try:
        validator()(sys.argv[1])
    except ValueError:
        print("invalid", file=sys.stderr)
        sys.exit(1)
