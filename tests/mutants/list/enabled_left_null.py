"""Copies enabled as the manifest writes it: null where it is left out, not the default true."""

from kaizen_conformance.reference.manifest_tools import _read_valid

ROLE = "list"
KILLS = ("LST-001",)
MESSAGE = r"enabled is None, the manifest says true \(where the manifest leaves it out"
OPTIONS = ["--kaizen-list={module}:list_agents", "-k", "LST-001"]


def list_agents(repo):
    return [
        {
            "name": agent["name"],
            "cadence": agent["cadence"],
            "enabled": agent.get("enabled"),
            "description": agent.get("description"),
        }
        for agent in _read_valid(repo)["agents"]
    ]
