"""Finds agents by name ignoring case: Coach prepares coach."""

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-008",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]

_exact = build()


def prepare(repo, agent):
    return _exact(repo, agent.lower())
