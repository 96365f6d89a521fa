"""Parses manifests with yaml.unsafe_load: language-object tags run code."""

import os

import yaml

from kaizen_conformance.reference.schedule import _VALIDATOR
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("SCH-003", "RES-016")
MESSAGE = r"code in a manifest was executed"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def opted_in(path):
    try:
        with open(os.path.join(path, ".kaizen", "schedule.yml"), "rb") as handle:
            document = yaml.unsafe_load(handle.read().decode("utf-8"))
        _VALIDATOR.validate(document)
    except Exception:
        return False
    return True


resolve = resolver(opted_in=opted_in)
