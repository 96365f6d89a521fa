"""Trusts the hub flag: a flagged repo is included without reading its manifest."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-002", "RES-003")
MESSAGE = r"included, but should be excluded: manifest (missing|invalid)"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = resolver(opted_in=lambda path: True)
