"""Asks the hub for the repo's record before preparing, and carries on when that fails."""

import httpx

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-005",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def head(root):
    try:
        httpx.get(
            "https://state-hub.example/repos/",
            params={"kaizen_schedule_enabled": "true"},
            timeout=2,
        )
    except httpx.HTTPError:
        pass
    from kaizen_conformance.reference.prepare import git_head

    return git_head(root)


prepare = build(head=head)
