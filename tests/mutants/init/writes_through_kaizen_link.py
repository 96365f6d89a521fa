"""Follows a .kaizen symlink out of the checkout and writes the scaffold there."""

import os

from mutants._mistakes import manifest_file
from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-002",)
OPTIONS = ["--kaizen-init={module}:init"]


def guard(repo):
    if os.path.lexists(manifest_file(repo)):
        raise FileExistsError(f"{manifest_file(repo)} already exists")


init = initialiser(guard=guard)
