"""Reads files as text: bytes counts characters and the hash is of re-encoded, newline-translated text."""

import hashlib
import os

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-003",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def as_text(root, record):
    with open(os.path.join(root, record["path"]), encoding="utf-8") as handle:
        text = handle.read()
    return {
        **record,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "bytes": len(text),
    }


prepare = build(
    prompt=lambda root, real, agent: as_text(root, ref._prompt(root, real, agent)),
    memory=lambda root, real, agent: [as_text(root, r) for r in ref._memory(root, real, agent)],
)
