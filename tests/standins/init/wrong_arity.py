"""An init callable with the wrong arity: every call raises TypeError."""

ROLE = "init"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = ["--kaizen-init={module}:init"]


def init():
    return None
