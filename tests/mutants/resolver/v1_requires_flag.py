"""A v1 resolver that still demands a true hub flag, so a v1 hub's repos never run."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-005",)
MESSAGE = r"missing, but should be included: manifest valid"
OPTIONS = ["--kaizen-resolver={module}:resolve", "--kaizen-resolver-profile=v1"]
resolve = resolver(
    "v1", flag_allows=lambda record, profile: record.get("kaizen_schedule_enabled") is True
)
