"""A list callable that copies the parsed manifest before listing: an alias bomb's
expansion is built in memory, which without a memory bound ended the whole run in the
machine's OOM killer; bounded, it is this call's over-limit on LST-002 and the run goes on."""

import yaml

from mutants._mistakes import expand
from mutants.list._parts import lister
from mutants.validate._parts import read_inside

ROLE = "list"
KILLS = ("LST-002",)
KIND = "over-limit"  # LST-002: a hostile manifest is an error within the call's limits
MESSAGE = r"ran out of its memory budget of 64 MiB \(--kaizen-memory\)"
OPTIONS = [
    "--kaizen-list={module}:list_agents",
    "--kaizen-memory=64",
    "--kaizen-timeout=30",
    "-k",
    "LST-002 and laughs",
]

_list = lister(lambda agents: agents)


def list_agents(repo):
    expand(yaml.safe_load(read_inside(repo)))  # the expansion, built whole
    return _list(repo)
