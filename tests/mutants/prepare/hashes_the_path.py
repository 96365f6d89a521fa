"""Hashes each file's path instead of its bytes."""

import hashlib

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-003",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def rehash(record):
    return {**record, "sha256": hashlib.sha256(record["path"].encode()).hexdigest()}


prepare = build(
    prompt=lambda *args: rehash(ref._prompt(*args)),
    memory=lambda *args: [rehash(r) for r in ref._memory(*args)],
)
