"""A validate callable with the wrong arity: every call raises TypeError."""

ROLE = "validate"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = ["--kaizen-validate={module}:validate"]


def validate():
    return None
