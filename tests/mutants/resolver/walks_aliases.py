"""Walks the parsed manifest node by node before validating: an alias bomb never ends."""

import os

import yaml

from kaizen_conformance.reference.schedule import _VALIDATOR
from mutants._mistakes import walk
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("SCH-004", "RES-016")
KIND = "over-limit"  # SCH-004 / RES-016: an alias bomb must be refused within the limit
MESSAGE = r"did not return within the per-call limit"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def opted_in(path):
    try:
        with open(os.path.join(path, ".kaizen", "schedule.yml"), "rb") as handle:
            document = yaml.safe_load(handle.read().decode("utf-8"))
        walk(document)
        _VALIDATOR.validate(document)
    except Exception:
        return False
    return True


resolve = resolver(opted_in=opted_in)
