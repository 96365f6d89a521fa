"""Hands PyYAML the raw bytes, which sniffs UTF-16 and reads any size: the contract says UTF-8, 64 KiB."""

import os

import yaml

from kaizen_conformance.reference.schedule import _VALIDATOR
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("SCH-001",)
MESSAGE = r"included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def opted_in(path):
    try:
        with open(os.path.join(path, ".kaizen", "schedule.yml"), "rb") as handle:
            document = yaml.safe_load(handle.read())
        _VALIDATOR.validate(document)
        names = [agent["name"] for agent in document["agents"]]
    except Exception:
        return False
    return len(names) == len(set(names))


resolve = resolver(opted_in=opted_in)
