"""Reads every memory file first and only then checks where it leads: refuses, but has read the target."""

import os

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-004",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def memory(root, real_root, agent):
    directory = os.path.join(root, ".kaizen", "agents", agent, "memory")
    if os.path.isdir(directory):
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                with open(path, "rb") as handle:
                    handle.read()
    return ref._memory(root, real_root, agent)


prepare = build(memory=memory)
