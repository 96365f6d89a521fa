"""Remembers each host path's verdict (a usable checkout, opted in): a checkout deleted since still counts."""

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-019",)
MESSAGE = r"the very answer of call 1"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "sequence-checkout-removed"]
USABLE = {}
OPTED_IN = {}


def usable(path):
    if path not in USABLE:
        USABLE[path] = ref.usable_checkout(path)
    return USABLE[path]


def opted_in(path):
    if path not in OPTED_IN:
        OPTED_IN[path] = ref.opted_in(path)
    return OPTED_IN[path]


resolve = resolver(usable=usable, opted_in=opted_in)
