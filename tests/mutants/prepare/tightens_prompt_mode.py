"""chmods the prompt to 0600 while reading it: same bytes, different mode."""

import os

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-006",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def prompt(root, real_root, agent):
    record = ref._prompt(root, real_root, agent)
    os.chmod(os.path.join(root, record["path"]), 0o600)
    return record


prepare = build(prompt=prompt)
