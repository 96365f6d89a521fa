"""Writes a scaffold without the required ``version: 1``."""

from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-001",)
OPTIONS = ["--kaizen-init={module}:init"]

init = initialiser(scaffold="agents:\n  - name: coach\n    cadence: weekly\n")
