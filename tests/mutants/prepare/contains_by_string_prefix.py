"""Checks that a memory file stays inside the repo by string prefix, without the separator:
``/work/repos/subject-sibling/x.md`` starts with ``/work/repos/subject``, so a link into a
sibling directory whose name extends the repo's is read as if it were inside."""

import os

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-004",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def memory(root, real_root, agent):
    directory = f".kaizen/agents/{agent}/memory"
    real_directory = os.path.realpath(os.path.join(root, directory))
    if not os.path.isdir(real_directory):
        return []
    records = []
    for name in sorted(os.listdir(real_directory)):
        target = os.path.realpath(os.path.join(real_directory, name))
        if not name.endswith(".md") or not os.path.isfile(target):
            continue
        if not target.startswith(real_root):  # the mistake: no trailing separator
            raise ref.PrepareError(f"{directory}/{name} leaves the repo")
        with open(target, "rb") as handle:
            records.append(ref._record(f"{directory}/{name}", handle.read()))
    return records


prepare = build(memory=memory)
