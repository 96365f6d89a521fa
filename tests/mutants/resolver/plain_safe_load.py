"""A plain yaml.safe_load keeps the last of duplicate keys and calls the manifest valid."""

import os

import yaml

from kaizen_conformance.reference.schedule import _VALIDATOR
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("SCH-005",)
MESSAGE = r"included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve", "--kaizen-strict"]


def opted_in(path):
    try:
        with open(os.path.join(path, ".kaizen", "schedule.yml"), "rb") as handle:
            data = handle.read(65537)
        if len(data) > 65536:
            return False
        document = yaml.safe_load(data.decode("utf-8"))
        _VALIDATOR.validate(document)
        names = [agent["name"] for agent in document["agents"]]
    except Exception:
        return False
    return len(names) == len(set(names))


resolve = resolver(opted_in=opted_in)
