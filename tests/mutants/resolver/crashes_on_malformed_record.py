"""Indexes record["slug"] directly: one malformed record crashes the whole resolution."""

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-013",)
KIND = "crashed"  # RES-013: a malformed record must be skipped, not crash the run
MESSAGE = r"raised (KeyError|TypeError|AttributeError)"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def fetch(*args):
    records = ref.fetch_roster(*args)
    for record in records:
        record["slug"].strip()  # TypeError / KeyError on a malformed record
    return records


resolve = resolver(fetch=fetch)
