"""A v2 resolver that excludes records without the flag field: against a v1 hub nothing runs."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-006",)
MESSAGE = r"missing, but should be included: flag absent, manifest valid"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = resolver(
    flag_allows=lambda record, profile: record.get("kaizen_schedule_enabled") is True
)
