"""Caches the hub's roster in a module-level dict keyed by the hub URL (a memoised roster): a flag
flipped, a repo added or dropped, or a host path moved since the first call is never seen."""

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-019",)
MESSAGE = r"the very answer of call 1"
OPTIONS = [
    "--kaizen-resolver={module}:resolve",
    "-k",
    "sequence-flag-flipped or sequence-repo-added or sequence-repo-dropped or sequence-host-path-moved",
]
ROSTERS = {}


def fetch(hub_url, domain, profile, timeout):
    key = (hub_url, domain, profile)
    if key not in ROSTERS:
        ROSTERS[key] = ref.fetch_roster(hub_url, domain, profile, timeout)
    return ROSTERS[key]


resolve = resolver(fetch=fetch)
