"""Stamps time without an offset (local wall-clock time): not RFC 3339."""

from datetime import datetime

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-001",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]

prepare = build(time=lambda: datetime.now().replace(microsecond=0).isoformat())
