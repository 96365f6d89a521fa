"""Lists the agents sorted by name, as a table would, instead of in file order."""

from mutants.list._parts import lister

ROLE = "list"
KILLS = ("LST-001",)
MESSAGE = r"agents out of file order: .*\(sorted by name\)"
OPTIONS = ["--kaizen-list={module}:list_agents", "-k", "LST-001"]

list_agents = lister(lambda agents: sorted(agents, key=lambda agent: agent["name"]))
