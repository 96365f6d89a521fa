"""Fails on an invalid manifest with a bare "no agents": the operator is not told which file."""

from mutants.list._parts import ScheduleInvalid, lister

ROLE = "list"
KILLS = ("LST-002",)
MESSAGE = r"the error does not name the file"
OPTIONS = ["--kaizen-list={module}:list_agents", "-k", "LST-002"]

_list = lister(lambda agents: agents)


def list_agents(repo):
    try:
        return _list(repo)
    except ScheduleInvalid:
        raise ValueError("no agents") from None
