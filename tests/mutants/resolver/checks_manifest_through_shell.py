"""Checks for the manifest with a shell command built from the host path, unquoted: a checkout
whose path holds a space makes `test -f` fail, and the repo is left out."""

import subprocess

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-001",)
MESSAGE = r"'custodian/spaced' missing, but should be included"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "world-path-spaces-unicode"]


def opted_in(path):
    found = subprocess.run(f"test -f {path}/.kaizen/schedule.yml", shell=True, check=False)
    return found.returncode == 0 and ref.opted_in(path)


resolve = resolver(opted_in=opted_in)
