"""A list command that counts every node, aliases expanded, before listing: an alias bomb hangs it."""

import sys

import yaml

from mutants._mistakes import command_option, walk
from mutants.list._parts import lister, main
from mutants.validate._parts import read_inside

ROLE = "list"
KILLS = ("LST-002",)
KIND = "over-limit"  # LST-002: a hostile manifest is an error within the per-call limit
MESSAGE = r"no answer within the per-call limit"
OPTIONS = [command_option("list"), "-k", "LST-002 and laughs"]

_list = lister(lambda agents: agents)


def list_agents(repo):
    walk(yaml.safe_load(read_inside(repo)))  # CPU only: the bomb's nodes are visited, never built
    return _list(repo)


if __name__ == "__main__":
    sys.exit(main(list_agents))
