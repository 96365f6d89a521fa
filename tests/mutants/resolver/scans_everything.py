"""A v2 resolver that never asks the hub to pre-filter: it scans every checkout."""

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-017",)
MESSAGE = r"never asked the hub for kaizen_schedule_enabled=true"
OPTIONS = ["--kaizen-resolver={module}:resolve", "--kaizen-strict"]
resolve = resolver(
    fetch=lambda url, domain, profile, timeout: ref.fetch_roster(url, domain, "v1", timeout)
)
