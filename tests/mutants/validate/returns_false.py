"""Returns False on an invalid manifest instead of raising: to the contract, returning means valid."""

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-001",)
OPTIONS = ["--kaizen-validate={module}:validate"]

_validate = validator()


def validate(repo):
    try:
        _validate(repo)
    except ValueError:
        return False
    return True
