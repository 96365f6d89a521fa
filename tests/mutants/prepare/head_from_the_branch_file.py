"""Reads HEAD's branch from .git/refs/heads/ directly: no packed refs, no detached HEAD, no gitdir files."""

import os

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-010",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def head(root):
    try:
        with open(os.path.join(root, ".git", "refs", "heads", "main"), encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return None


prepare = build(head=head)
