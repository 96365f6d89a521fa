"""Treats a missing prompt.md as an empty prompt."""

import hashlib

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-009",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def prompt(root, real_root, agent):
    try:
        return ref._prompt(root, real_root, agent)
    except ref.PrepareError as exc:
        if "missing" not in str(exc):
            raise
        return {
            "path": f".kaizen/agents/{agent}/prompt.md",
            "sha256": hashlib.sha256(b"").hexdigest(),
            "bytes": 0,
        }


prepare = build(prompt=prompt)
