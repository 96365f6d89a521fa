"""Also accepts .kaizen/schedule.yaml: only schedule.yml opts in."""

import os
from pathlib import Path

from kaizen_conformance.reference import resolver as ref
from kaizen_conformance.reference.schedule import ManifestInvalid, parse_manifest
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("SCH-006",)
MESSAGE = r"'fleet/subject' included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def opted_in(path):
    alternative = Path(path, ".kaizen", "schedule.yaml")
    if not os.path.lexists(Path(path, ".kaizen", "schedule.yml")) and alternative.is_file():
        try:
            parse_manifest(alternative.read_bytes())
        except ManifestInvalid:
            return False
        return True
    return ref.opted_in(path)


resolve = resolver(opted_in=opted_in)
