"""Puts a lone surrogate in the event id: no Unicode text, so no CloudEvents String."""

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-001",)
OPTIONS = ["--kaizen-prepare={module}:prepare", "-k", "minimal"]

prepare = build(finish=lambda event: {**event, "id": "\ud800" + event["id"]})
