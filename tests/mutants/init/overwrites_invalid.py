"""Refuses only when the existing manifest is valid, and "repairs" an invalid one by replacing it."""

from pathlib import Path

from kaizen_conformance.reference.schedule import ManifestInvalid, load_manifest
from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-003",)
OPTIONS = ["--kaizen-init={module}:init"]


def guard(repo):
    try:
        load_manifest(Path(repo))
    except ManifestInvalid:
        return
    raise FileExistsError("a valid manifest is already there")


init = initialiser(guard=guard)
