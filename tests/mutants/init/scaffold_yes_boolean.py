"""Writes ``enabled: yes``: a boolean to YAML 1.1 readers, the string "yes" (invalid) to YAML 1.2 ones."""

from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-001",)
OPTIONS = ["--kaizen-init={module}:init"]

init = initialiser(
    scaffold="version: 1\nagents:\n  - name: coach\n    cadence: weekly\n    enabled: yes\n"
)
