"""Lists memory in path order on odd calls and reversed on even ones (a cache that flips)."""

import itertools

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-007",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]

_calls = itertools.count()


def memory(*args):
    records = ref._memory(*args)
    return records if next(_calls) % 2 == 0 else list(reversed(records))


prepare = build(memory=memory)
