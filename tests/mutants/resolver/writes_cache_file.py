"""Leaves a cache file in each checkout it reads."""

import os

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-015",)
MESSAGE = r"changed the checkouts it read"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def opted_in(path):
    if os.path.isdir(os.path.join(path, ".kaizen")):
        with open(os.path.join(path, ".kaizen", ".resolved"), "w") as handle:
            handle.write("seen\n")
    return ref.opted_in(path)


resolve = resolver(opted_in=opted_in)
