"""Leaves a .kaizen/.validated stamp in each checkout it validates."""

import os

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-003",)
OPTIONS = ["--kaizen-validate={module}:validate"]

_validate = validator()


def validate(repo):
    _validate(repo)
    with open(os.path.join(repo, ".kaizen", ".validated"), "w") as handle:
        handle.write("ok\n")
