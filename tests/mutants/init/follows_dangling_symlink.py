"""Asks os.path.exists, which is False for a dangling link, then writes through the link to its target."""

import os

from mutants._mistakes import manifest_file
from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-003", "INI-002")
OPTIONS = ["--kaizen-init={module}:init"]


def guard(repo):
    if os.path.islink(os.path.join(repo, ".kaizen")) or os.path.exists(manifest_file(repo)):
        raise FileExistsError(f"{manifest_file(repo)} already exists")


init = initialiser(guard=guard)
