"""Writes the scaffold whatever is there: an existing manifest is lost."""

from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-003",)
OPTIONS = ["--kaizen-init={module}:init"]

init = initialiser(guard=lambda repo: None)
