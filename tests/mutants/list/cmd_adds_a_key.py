"""A list command that adds a "schedule" key to every agent: no other keys, says the contract."""

import sys

from mutants._mistakes import command_option
from mutants.list._parts import lister, main

ROLE = "list"
KILLS = ("LST-001",)
MESSAGE = r"has keys a listing does not have: schedule"
OPTIONS = [command_option("list"), "-k", "LST-001 and (several-agents or agents-in-file-order)"]

list_agents = lister(lambda agents: [{**agent, "schedule": agent["cadence"]} for agent in agents])

if __name__ == "__main__":
    sys.exit(main(list_agents))
