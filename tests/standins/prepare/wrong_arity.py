"""A prepare callable with the wrong arity: every call raises TypeError."""

ROLE = "prepare"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def prepare(repo):
    return {}
