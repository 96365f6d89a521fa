"""Counts a description's length in UTF-16 code units (JavaScript's ``.length``): a repo whose
manifest describes an agent with 500 emoji (1000 code units) is wrongly excluded."""

from pathlib import Path

from kaizen_conformance.reference import resolver as ref
from kaizen_conformance.reference.schedule import load_manifest
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("SCH-001",)
MESSAGE = r"'fleet/subject' missing, but should be included"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "astral"]


def opted_in(path: str) -> bool:
    if not ref.opted_in(path):
        return False
    agents = load_manifest(Path(path))["agents"]
    return all(len(a.get("description", "").encode("utf-16-le")) // 2 <= 500 for a in agents)


resolve = resolver(opted_in=opted_in)
