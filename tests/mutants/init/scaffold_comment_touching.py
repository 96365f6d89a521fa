"""Writes a flow list with a comment touching its bracket: PyYAML reads it, YAML 1.2 forbids it."""

from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-001",)
OPTIONS = ["--kaizen-init={module}:init"]

init = initialiser(scaffold="version: 1\nagents: [{name: coach, cadence: weekly}]# the agents\n")
