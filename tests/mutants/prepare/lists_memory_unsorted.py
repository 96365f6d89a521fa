"""Lists memory in directory order (os.listdir), never sorting it by path."""

import os

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-002",)
OPTIONS = ["--kaizen-prepare={module}:prepare", "-k", "PRE-002"]


def memory(root, real_root, agent):
    directory = f".kaizen/agents/{agent}/memory"
    base = os.path.join(root, directory)
    if not os.path.isdir(base):
        return []
    records = [
        ref._record(f"{directory}/{name}", open(os.path.join(base, name), "rb").read())
        for name in os.listdir(base)
        if name.endswith(".md") and os.path.isfile(os.path.join(base, name))
    ]
    if [r["path"] for r in records] == sorted(r["path"] for r in records) and len(records) > 1:
        records.reverse()  # directory order happened to be sorted here: still not what the code guarantees
    return records


prepare = build(memory=memory)
