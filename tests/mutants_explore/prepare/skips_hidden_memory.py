"""Finds memory with glob('*.md'), which skips dot-files: a memory file named .hidden.md ends in
.md and is memory all the same. No golden repo has a hidden memory file."""

import glob
import os

from mutants.prepare._parts import prepare as build

from kaizen_conformance.reference import prepare as ref

ROLE = "prepare"
FINDS = "PRE-002"
MESSAGE = r"the event differs from the golden"
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def memory(root, real_root, agent):
    seen = {
        os.path.basename(p)
        for p in glob.glob(os.path.join(root, f".kaizen/agents/{agent}/memory/*.md"))
    }
    return [r for r in ref._memory(root, real_root, agent) if r["path"].rpartition("/")[2] in seen]


prepare = build(memory=memory)
