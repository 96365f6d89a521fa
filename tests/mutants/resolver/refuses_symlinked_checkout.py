"""Refuses a host path that is a symbolic link (os.path.islink), though it leads to a checkout
directory: runners whose repos live on another disk resolve nothing."""

import os

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-001",)
MESSAGE = r"'custodian/alpha' missing, but should be included"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "world-checkout-behind-symlink"]


def usable(path):
    return ref.usable_checkout(path) and not os.path.islink(path)


resolve = resolver(usable=usable)
