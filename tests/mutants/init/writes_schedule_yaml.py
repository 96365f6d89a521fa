"""Writes .kaizen/schedule.yaml, which opts nothing in: only schedule.yml counts."""

import os

from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-001",)
OPTIONS = ["--kaizen-init={module}:init"]

init = initialiser(target=lambda repo: os.path.join(repo, ".kaizen", "schedule.yaml"))
