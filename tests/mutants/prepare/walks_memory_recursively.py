"""Takes every *.md below memory/, subdirectories included."""

import os

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-002",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def memory(root, real_root, agent):
    base = f".kaizen/agents/{agent}/memory"
    found = []
    for directory, _, names in os.walk(os.path.join(root, base)):
        for name in names:
            if name.endswith(".md"):
                relative = os.path.relpath(os.path.join(directory, name), root).replace(os.sep, "/")
                with open(os.path.join(root, relative), "rb") as handle:
                    found.append(ref._record(relative, handle.read()))
    return sorted(found, key=lambda r: r["path"])


prepare = build(memory=memory)
