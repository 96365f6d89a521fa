"""Swallows hub failures and resolves an empty fleet, as if nothing were scheduled."""

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-011",)
MESSAGE = r"yet the resolver returned \[\] instead of failing loudly"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def quiet_fetch(*args):
    try:
        return ref.fetch_roster(*args)
    except ref.HubError:
        return []


resolve = resolver(fetch=quiet_fetch)
