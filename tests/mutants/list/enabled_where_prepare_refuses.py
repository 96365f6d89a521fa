"""Lists a parser-dependent manifest's agents as enabled, where prepare refuses every one of them."""

from mutants.list._parts import PREPARE
from mutants.list.lists_parser_dependent import list_agents

ROLE = "list"
KILLS = ("LST-004",)
MESSAGE = r"list shows agent '[a-z0-9-]+' as enabled, but prepare refuses it"
OPTIONS = [
    "--kaizen-list={module}:list_agents",
    PREPARE,
    "-k",
    "LST-004 and (version-float or yes-as-boolean or minimal)",
]

__all__ = ["list_agents"]
