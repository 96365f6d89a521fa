"""Reads schedule.yml with a plain safe_load and looks for the agent, validating nothing."""

import os

import yaml

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-009",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def agent_entry(root, agent):
    try:
        with open(os.path.join(root, ".kaizen", "schedule.yml"), "rb") as handle:
            manifest = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise ref.PrepareError(f".kaizen/schedule.yml: {exc}") from None
    agents = manifest.get("agents") if isinstance(manifest, dict) else None
    for entry in agents if isinstance(agents, list) else []:
        if (
            isinstance(entry, dict)
            and entry.get("name") == agent
            and entry.get("enabled", True) is not False
        ):
            return {"cadence": entry.get("cadence", "weekly"), **entry}
    if isinstance(agents, list):
        raise ref.PrepareError(f"agent {agent!r} is not in .kaizen/schedule.yml")
    return {"name": agent, "cadence": "weekly"}


prepare = build(agent_entry=agent_entry)
