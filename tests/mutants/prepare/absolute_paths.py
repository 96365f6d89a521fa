"""Reports absolute paths instead of repo-relative ones."""

import os

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-004",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def absolute(root, record):
    return {**record, "path": os.path.join(root, record["path"])}


prepare = build(
    prompt=lambda root, real, agent: absolute(root, ref._prompt(root, real, agent)),
    memory=lambda root, real, agent: [absolute(root, r) for r in ref._memory(root, real, agent)],
)
