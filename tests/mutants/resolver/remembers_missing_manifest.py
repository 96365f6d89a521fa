"""Remembers the checkouts it found without a manifest (a negative cache): a manifest added later
is never read, so the repo stays out."""

import os

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-019",)
MESSAGE = r"the very answer of call 1"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "sequence-manifest-added"]
WITHOUT_MANIFEST = set()


def opted_in(path):
    if path in WITHOUT_MANIFEST:
        return False
    if not os.path.exists(os.path.join(path, ".kaizen", "schedule.yml")):
        WITHOUT_MANIFEST.add(path)
        return False
    return ref.opted_in(path)


resolve = resolver(opted_in=opted_in)
