"""Reads .kaizen/schedule.yml wherever its symlinks lead, even outside the checkout."""

import os

from kaizen_conformance.reference.schedule import ManifestInvalid, parse_manifest
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("SCH-006", "RES-016")
MESSAGE = r"included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def opted_in(path):
    try:
        with open(os.path.join(path, ".kaizen", "schedule.yml"), "rb") as handle:
            parse_manifest(handle.read(65537))
    except (OSError, ManifestInvalid):
        return False
    return True


resolve = resolver(opted_in=opted_in)
