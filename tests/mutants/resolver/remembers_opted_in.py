"""Remembers every checkout it once found opted in (a set of paths): a manifest removed or made
invalid later still opts the repo in."""

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-019",)
MESSAGE = r"the very answer of call 1"
OPTIONS = [
    "--kaizen-resolver={module}:resolve",
    "-k",
    "sequence-manifest-removed or sequence-manifest-made-invalid",
]
OPTED_IN = set()


def opted_in(path):
    if path in OPTED_IN:
        return True
    if ref.opted_in(path):
        OPTED_IN.add(path)
        return True
    return False


resolve = resolver(opted_in=opted_in)
