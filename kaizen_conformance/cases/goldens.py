"""Golden prepared events (PRE-002) kept with syrupy, inside the package's fixtures.

Each golden is ``fixtures/prepare/<case>/golden/<agent>.json``: the event with ``id``,
``time`` and ``data.repo.root`` normalised, ``source`` and CloudEvents extension attributes
left out (the contract does not fix them), keys sorted, UTF-8. An installed kit reads them from
its wheel.

The goldens are read once, at collection, before any implementation runs, and PRE-002 judges
against those bytes held in memory (``PreparedGoldens.holding``): an implementation that
writes into the installed fixtures cannot rewrite the answer it is judged against.

Three syrupy defaults would hurt a kit that ships its goldens, and ``PreparedGoldens``
changes each: snapshots are found by case, not next to a test file (no ``__snapshots__``
directory tied to the suite module); discovery reports nothing, so goldens a partial run does
not compare never count as "unused" (which fails the run, and with ``--snapshot-update``
deletes them); and the extension itself refuses to write a golden unless the run may
(``write_refusal``: only from a source checkout, only from the reference), however the run
reached the suite. The session refuses such a run earlier still, at configure time, where the
command line shows it (``session/snapshot_guard.py``).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from syrupy.data import SnapshotCollections
from syrupy.extensions.json import JSONSnapshotExtension

if TYPE_CHECKING:
    from syrupy.data import SnapshotCollection

    from kaizen_conformance.core.settings import RoleTarget

ID, TIME, ROOT = "<id>", "<time>", "<repo>"
COMPARED_ENVELOPE = ("specversion", "type", "subject", "datacontenttype", "id", "time", "data")
MAX_EXACT_INTEGER = 2**53
REFERENCE_MODULE = "kaizen_conformance.reference.prepare"
REGENERATE = "pytest --pyargs kaizen_conformance --kaizen-reference --snapshot-update -k PRE-002"


class GoldenWriteRefused(Exception):
    """A golden would be written (or deleted) by a run that may not: the message says why and the fix."""


def is_reference(target: RoleTarget) -> bool:
    return target.is_reference or REFERENCE_MODULE in target.spec


def write_refusal(flag: str, target: RoleTarget | None) -> str:
    """Why ``flag`` may not rewrite the prepare goldens in this run; '' when it may.

    Goldens are the contract: they change only in a source checkout of the kit (an update would
    rewrite, and could delete, files inside an installed package) and only from the reference.
    """
    from kaizen_conformance.cases import locations

    if not locations.is_source_checkout():
        return (
            f"kaizen-conformance: {flag} would rewrite the prepare goldens inside the installed package "
            f"({locations.fixtures_dir() / 'prepare'}); installed goldens are read-only.\n"
            "Update your own project's snapshots in a run that does not collect the kit's suite (without "
            "--pyargs kaizen_conformance). Goldens change only with the contract, from a source checkout of "
            f"kaizen-conformance: {REGENERATE}"
        )
    if target is None or not is_reference(target):
        named = target.named if target is not None else "no configured prepare"
        return (
            f"kaizen-conformance: {flag} regenerates the prepare goldens from the reference implementation "
            f"only, not from {named}; run {REGENERATE}"
        )
    return ""


class PreparedGoldens(JSONSnapshotExtension):
    """JSON goldens of one case and agent, read from the bytes the kit held before prepare ran.

    Use ``holding``: it makes the class for one golden (syrupy instantiates extensions itself,
    without arguments, so what the extension knows travels on the class).
    """

    path: ClassVar[str] = ""
    text: ClassVar[str | None] = None  # the golden as read at collection; None: there was none
    refusal: ClassVar[str] = "kaizen-conformance: no golden is held by this extension"

    @classmethod
    def holding(cls, path: Path, text: str | None, refusal: str) -> type[PreparedGoldens]:
        """The extension for the golden at ``path`` whose text was read at collection.

        ``refusal`` is why this run may not write it ('' when it may: a source checkout
        regenerating from the reference).
        """
        attributes = {"path": str(path), "text": text, "refusal": refusal}
        return type(cls.__name__, (cls,), attributes)

    @classmethod
    def refuse_writes(cls) -> None:
        """Raise ``GoldenWriteRefused`` unless this run may write the golden."""
        if cls.refusal:
            raise GoldenWriteRefused(cls.refusal)

    @classmethod
    def get_location(cls, *, test_location: Any, index: Any) -> str:
        return cls.path

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        from kaizen_conformance.cases.loading import fixtures_root

        return str(fixtures_root() / "prepare")

    def read_snapshot_data_from_location(
        self, *, snapshot_location: str, snapshot_name: str, session_id: str
    ) -> str | None:
        """The golden as the kit read it before any implementation ran, never the disk now."""
        return self.text if snapshot_location == self.path else None

    @classmethod
    def write_snapshot_collection(
        cls, *, snapshot_collection: SnapshotCollection, name_order: dict[str, int] | None = None
    ) -> None:
        cls.refuse_writes()
        super().write_snapshot_collection(
            snapshot_collection=snapshot_collection, name_order=name_order
        )

    def delete_snapshots(self, *, snapshot_location: str, snapshot_names: set[str]) -> None:
        self.refuse_writes()
        super().delete_snapshots(snapshot_location=snapshot_location, snapshot_names=snapshot_names)

    def discover_snapshots(
        self, *, test_location: Any, ignore_extensions: list[str] | None = None
    ) -> SnapshotCollections:
        """Nothing to discover: a golden is never 'unused' just because this run did not compare it."""
        return SnapshotCollections()

    @classmethod
    def matches_test_location(cls, *, test_location: Any, snapshot_location: str) -> bool:
        return True  # goldens belong to cases, not to the suite module that compares them


def read_golden(path: Path) -> str | None:
    """A golden's text as syrupy reads it (None when there is none): read at collection."""
    try:
        with path.open(encoding="utf-8", newline=None) as handle:
            return handle.read()
    except FileNotFoundError:
        return None


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
