"""A validate command that dumps five megabytes of debug output on stderr with every rejection."""

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
        print(f"schedule validate: {exc}", file=sys.stderr)
        for line in range(100_000):
            sys.stderr.write(f"debug {line:08d}: " + "x" * 40 + "\n")
        sys.exit(1)
