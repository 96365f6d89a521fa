"""Ignores enabled: false."""

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-008",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def agent_entry(root, agent):
    manifest = ref.load_manifest(ref.Path(root))
    for entry in manifest["agents"]:
        if entry["name"] == agent:
            return entry
    raise ref.PrepareError(f"agent {agent!r} is not in .kaizen/schedule.yml")


prepare = build(agent_entry=agent_entry)
