"""Reads the flag by truthiness: the string "false" counts as true under v2."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-013",)
MESSAGE = r"included, but should be skipped: flag not-boolean"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = resolver(
    flag_allows=lambda record, profile: bool(record.get("kaizen_schedule_enabled", True))
)
