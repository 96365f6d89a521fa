"""Fails where it should, with messages that name neither the agent nor the file."""

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-008", "PRE-009")
OPTIONS = ["--kaizen-prepare={module}:prepare"]

_real = build()


def prepare(repo, agent):
    try:
        return _real(repo, agent)
    except Exception:
        raise RuntimeError("cannot prepare: check your configuration") from None
