"""Lists memory with os.scandir and is_file(follow_symlinks=False): a memory file that is a
symlink staying inside the repo is left out, where the contract follows it. The golden repos
link only out of the repo (an error), never within it."""

import os

from mutants.prepare._parts import prepare as build

from kaizen_conformance.reference import prepare as ref

ROLE = "prepare"
FINDS = "PRE-002"
MESSAGE = r"the event differs from the golden"
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def memory(root, real_root, agent):
    records = ref._memory(root, real_root, agent)
    directory = os.path.join(root, f".kaizen/agents/{agent}/memory")
    links = set()
    if os.path.isdir(directory):
        with os.scandir(directory) as entries:
            links = {e.name for e in entries if not e.is_file(follow_symlinks=False)}
    return [r for r in records if r["path"].rpartition("/")[2] not in links]


prepare = build(memory=memory)
