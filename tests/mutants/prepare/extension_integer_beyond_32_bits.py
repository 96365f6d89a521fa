"""Adds an Integer extension attribute of 2**40: CloudEvents Integers are signed 32-bit."""

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-001",)
OPTIONS = ["--kaizen-prepare={module}:prepare", "-k", "minimal"]

prepare = build(finish=lambda event: {**event, "kaizenseq": 2**40})
