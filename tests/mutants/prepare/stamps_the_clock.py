"""Adds a CloudEvents extension attribute with the clock: valid, golden-equal, but never the same twice."""

import time

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-007",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]

prepare = build(finish=lambda event: {**event, "preparedns": time.monotonic_ns()})
