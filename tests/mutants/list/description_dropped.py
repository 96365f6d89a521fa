"""Leaves description out of an agent that has none, instead of listing it as null."""

from mutants.list._parts import lister

ROLE = "list"
KILLS = ("LST-001",)
MESSAGE = r"agent '[a-z0-9-]+' lacks description"
OPTIONS = ["--kaizen-list={module}:list_agents", "-k", "LST-001"]

list_agents = lister(
    lambda agents: [
        {key: value for key, value in agent.items() if value is not None} for agent in agents
    ]
)
