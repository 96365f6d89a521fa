"""Never looks for git: repo.head is always null."""

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-010",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]

prepare = build(head=lambda root: None)
