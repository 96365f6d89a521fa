"""Adds an extension attribute with a 23-character name: CloudEvents says SHOULD NOT exceed 20."""

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-011",)
OPTIONS = ["--kaizen-prepare={module}:prepare", "--kaizen-strict", "-k", "minimal"]

prepare = build(finish=lambda event: {**event, "kaizenpreparedbyagentic": "1"})
