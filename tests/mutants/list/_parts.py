"""Pieces of a plain list that the mutants recombine, each with one thing wrong."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from kaizen_conformance.reference.manifest_tools import ScheduleInvalid, list_agents

# The options that configure the other two commands LST-004 compares list with.
VALIDATE = "--kaizen-validate=kaizen_conformance.reference.manifest_tools:validate"
PREPARE = "--kaizen-prepare=kaizen_conformance.reference.prepare:prepare"


def lister(change: Callable[[list[dict[str, Any]]], list[Any]]) -> Callable[[str], list[Any]]:
    """``list(repo)``: the reference's list with ``change`` applied to it."""

    def listed(repo: str) -> list[Any]:
        return change(list_agents(repo))

    return listed


def main(tool: Callable[[str], Any]) -> int:
    """A list command around ``tool(repo)``: the JSON array on stdout, or exit 1 with the reason."""
    try:
        agents = tool(sys.argv[1])
    except ValueError as exc:
        print(f"schedule list: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(agents))
    return 0


__all__ = ["PREPARE", "VALIDATE", "ScheduleInvalid", "lister", "main"]
