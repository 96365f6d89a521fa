"""Ends the event id with a newline: a CloudEvents String holds no control characters."""

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-001",)
OPTIONS = ["--kaizen-prepare={module}:prepare", "-k", "minimal"]

prepare = build(finish=lambda event: {**event, "id": event["id"] + "\n"})
