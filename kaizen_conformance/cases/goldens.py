"""Golden prepared events (PRE-002) kept with syrupy, inside the package's fixtures.

Each golden is ``fixtures/prepare/<case>/golden/<agent>.json``: the event with ``id``,
``time`` and ``data.repo.root`` normalised, ``source`` and CloudEvents extension attributes
left out (the contract does not fix them), keys sorted, UTF-8. An installed kit reads them from
its wheel.

Three syrupy defaults would hurt a kit that ships its goldens, and ``PreparedGoldens``
changes each: snapshots are found by case, not next to a test file (no ``__snapshots__``
directory tied to the suite module); discovery reports nothing, so goldens a partial run does
not compare never count as "unused" (which fails the run, and with ``--snapshot-update``
deletes them); and where goldens may be rewritten at all is decided at configure time
(``session/snapshot_guard.py``): only from a source checkout, only from the reference.
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any, ClassVar

from syrupy.data import SnapshotCollections
from syrupy.extensions.json import JSONSnapshotExtension

ID, TIME, ROOT = "<id>", "<time>", "<repo>"
COMPARED_ENVELOPE = ("specversion", "type", "subject", "datacontenttype", "id", "time", "data")
MAX_EXACT_INTEGER = 2**53


class PreparedGoldens(JSONSnapshotExtension):
    """JSON goldens at paths the prepare role registers per case and agent."""

    locations: ClassVar[dict[str, str]] = {}

    @classmethod
    def register(cls, key: str, path: Path) -> str:
        cls.locations[key] = str(path)
        return key

    @classmethod
    def get_location(cls, *, test_location: Any, index: Any) -> str:
        return cls.locations[str(index)]

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        from kaizen_conformance.cases.loading import fixtures_root

        return str(fixtures_root() / "prepare")

    def discover_snapshots(
        self, *, test_location: Any, ignore_extensions: list[str] | None = None
    ) -> SnapshotCollections:
        """Nothing to discover: a golden is never 'unused' just because this run did not compare it."""
        return SnapshotCollections()

    @classmethod
    def matches_test_location(cls, *, test_location: Any, snapshot_location: str) -> bool:
        return True  # goldens belong to cases, not to the suite module that compares them


def integral_floats_as_int(value: Any) -> Any:
    """JSON has one number type: 3.0 and 3 are the same value whatever a language prints."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_EXACT_INTEGER:
        return int(value)
    if isinstance(value, dict):
        return {key: integral_floats_as_int(item) for key, item in value.items()}
    if isinstance(value, list):
        return [integral_floats_as_int(item) for item in value]
    return value


def normalise(event: dict[str, Any], given_root: str) -> dict[str, Any]:
    """What PRE-002 compares: the fixed envelope and data; id, time and the root as given replaced.

    A missing or malformed id or time stays as it is, and a root that is not the path handed
    to prepare stays too: the golden diff then shows it.
    """
    compared = {key: copy.deepcopy(event[key]) for key in COMPARED_ENVELOPE if key in event}
    if isinstance(compared.get("id"), str) and compared["id"]:
        compared["id"] = ID
    if isinstance(compared.get("time"), str) and compared["time"]:
        compared["time"] = TIME
    repo = compared.get("data", {}).get("repo") if isinstance(compared.get("data"), dict) else None
    if isinstance(repo, dict) and repo.get("root") == given_root:
        repo["root"] = ROOT
    normalised: dict[str, Any] = integral_floats_as_int(compared)
    return normalised


def serialise(payload: dict[str, Any]) -> str:
    """The golden file's text for ``payload``: exactly what syrupy writes and compares."""
    return str(PreparedGoldens().serialize(payload))


def diff(golden_text: str, received_text: str, limit: int = 60) -> str:
    """A unified diff, golden first: '-' lines are the golden's, '+' lines the implementation's."""
    lines = list(
        difflib.unified_diff(
            golden_text.splitlines(),
            received_text.splitlines(),
            "golden",
            "prepare's event",
            n=2,
            lineterm="",
        )
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"... ({len(lines) - limit} more diff lines)"]
    return "\n".join(lines)
