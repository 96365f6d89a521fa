"""Reports the repo's resolved path instead of the path it was given."""

import os

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-002",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]

prepare = build(root=lambda repo: os.path.realpath(ref._root_as_given(repo)))
