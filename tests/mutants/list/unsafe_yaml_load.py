"""Reads the manifest with yaml.unsafe_load first: a !!python/object/apply tag runs its command."""

import yaml

from mutants.list._parts import lister
from mutants.validate._parts import read_inside

ROLE = "list"
KILLS = ("LST-002",)
MESSAGE = r"code in the manifest was executed"
OPTIONS = ["--kaizen-list={module}:list_agents", "-k", "LST-002 and python-object-apply"]

_list = lister(lambda agents: agents)


def list_agents(repo):
    try:
        yaml.unsafe_load(read_inside(repo))  # to warm a cache, say; the damage is done here
    except Exception:  # noqa: BLE001 - the reading that counts comes next
        pass
    return _list(repo)
