"""Validates against the schema but never checks that agent names are unique."""

import os

import yaml

from kaizen_conformance.reference.schedule import _VALIDATOR
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("SCH-002",)
MESSAGE = r"'fleet/subject' included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def opted_in(path):
    try:
        with open(os.path.join(path, ".kaizen", "schedule.yml"), "rb") as handle:
            data = handle.read(65537)
        if len(data) > 65536:
            return False
        document = yaml.safe_load(data.decode("utf-8"))
        _VALIDATOR.validate(document)
    except Exception:
        return False
    return True


resolve = resolver(opted_in=opted_in)
