"""Caches each listing in .kaizen/.list-cache.json, next to the manifest it read."""

import json
import os

from mutants.list._parts import lister

ROLE = "list"
KILLS = ("LST-003",)
MESSAGE = r"changed files while listing"
OPTIONS = ["--kaizen-list={module}:list_agents", "-k", "LST-003 and (minimal or several-agents)"]

_list = lister(lambda agents: agents)


def list_agents(repo):
    agents = _list(repo)
    with open(os.path.join(repo, ".kaizen", ".list-cache.json"), "w") as handle:
        json.dump(agents, handle)
    return agents
