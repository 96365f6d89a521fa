"""Writes ``version: 1.0``: parser-dependent (contract section 7), so never a scaffold."""

from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-001",)
OPTIONS = ["--kaizen-init={module}:init"]

init = initialiser(scaffold="version: 1.0\nagents:\n  - name: coach\n    cadence: weekly\n")
