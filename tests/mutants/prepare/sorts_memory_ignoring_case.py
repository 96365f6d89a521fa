"""Sorts memory files the way a person would (ignoring case), not by path."""

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-002",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]

prepare = build(memory=lambda *args: sorted(ref._memory(*args), key=lambda r: r["path"].lower()))
