"""Lists whatever agents a safe YAML load finds, never checking the manifest against the schema."""

import os

import yaml

ROLE = "list"
KILLS = ("LST-002",)
MESSAGE = r"listed where it must be an error"
# not the hostile cases: a plain load would expand an alias bomb in the child run
OPTIONS = [
    "--kaizen-list={module}:list_agents",
    "-k",
    "LST-002 and (version-true or cadence-hourly or duplicate-agent-names or unknown-agent-key)",
]


def list_agents(repo):
    path = os.path.join(repo, ".kaizen", "schedule.yml")
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    return [
        {
            "name": agent.get("name"),
            "cadence": agent.get("cadence"),
            "enabled": agent.get("enabled", True),
            "description": agent.get("description"),
        }
        for agent in document["agents"]
    ]
