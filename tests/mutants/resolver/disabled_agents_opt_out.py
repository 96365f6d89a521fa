"""Reads `enabled` as the opt-in: a valid manifest whose agents are all disabled excludes the repo.

Contract section 7, decision 9: the manifest opts the repo in; `enabled` matters to prepare and
list, not to the resolver.
"""

from pathlib import Path

from kaizen_conformance.reference import resolver as ref
from kaizen_conformance.reference.schedule import load_manifest
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-001",)
MESSAGE = r"'fleet/subject' missing, but should be included"
# Only the corpus case that proves it: the rest of the suite would pass.
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "all-agents-disabled"]


def opted_in(path: str) -> bool:
    if not ref.opted_in(path):
        return False
    agents = load_manifest(Path(path))["agents"]
    return any(agent.get("enabled", True) for agent in agents)


resolve = resolver(opted_in=opted_in)
