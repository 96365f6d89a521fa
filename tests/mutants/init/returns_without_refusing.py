"""Leaves an existing manifest alone but returns normally: to the caller, init succeeded."""

import os

from mutants._mistakes import manifest_file
from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-003",)
OPTIONS = ["--kaizen-init={module}:init"]

_init = initialiser()


def init(repo):
    if os.path.lexists(manifest_file(repo)) or os.path.islink(os.path.join(repo, ".kaizen")):
        return  # nothing to do, it thinks
    _init(repo)
