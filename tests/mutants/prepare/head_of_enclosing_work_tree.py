"""Asks ``git rev-parse HEAD`` from the repo's directory: a plain directory inside another git
work tree gets the enclosing work tree's HEAD as its own repo.head."""

import subprocess

from kaizen_conformance.reference.prepare import git_head
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-010",)
MESSAGE = r"plain directory inside the git work tree"
OPTIONS = ["--kaizen-prepare={module}:prepare", "-k", "inside-another-work-tree"]


def head(root):
    done = subprocess.run(
        ["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else git_head(root)


prepare = build(head=head)
