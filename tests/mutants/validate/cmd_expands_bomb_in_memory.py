"""A validate command that copies the parsed manifest before validating it: an alias bomb's
expansion exhausts memory, which is the command's over-limit (its memory budget), not the run's."""

import sys

import yaml

from mutants._mistakes import command_option, expand, main
from mutants.validate._parts import read_inside, validator

ROLE = "validate"
KILLS = ("SCH-004",)
KIND = "over-limit"
MESSAGE = r"ran out of its memory budget of 64 MiB \(--kaizen-memory\)"
OPTIONS = [
    command_option("validate"),
    "--kaizen-memory=64",
    "--kaizen-timeout=30",
    "-k",
    "SCH-004 and laughs",
]


_validate = validator()


def validate(repo):
    expand(yaml.safe_load(read_inside(repo)))  # the expansion, built whole
    _validate(repo)


if __name__ == "__main__":
    sys.exit(main(validate, "validate"))
