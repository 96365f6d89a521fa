"""Reading ``--kaizen-report`` files for ``kaizen-conformance compare``: files and directories.

Every report is checked against ``report.schema.json`` before it is compared, so a file that is
not a report, or one a newer kit wrote, is one error naming the file and the fix rather than a
traceback from deep in the comparison.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaizen_conformance import contract


class CompareError(Exception):
    """A report that cannot be compared; the message names the file and the fix."""


@dataclass(frozen=True)
class LoadedReport:
    source: str  # the path as given (or found in a directory)
    data: dict[str, Any]


def _is_kaizen_report(data: Any) -> bool:
    kit = data.get("kit") if isinstance(data, dict) else None
    return isinstance(kit, dict) and kit.get("name") == "kaizen-conformance" and "roles" in data


def read_report(path: Path) -> dict[str, Any]:
    """One report, checked against ``report.schema.json``; anything else is a ``CompareError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CompareError(f"{path}: cannot be read ({reason})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CompareError(
            f"{path}: not JSON ({exc}); give the file written by --kaizen-report=FILE"
        ) from None
    if not _is_kaizen_report(data):
        raise CompareError(
            f"{path}: not a kaizen-conformance report (no kit named kaizen-conformance, no roles); "
            "give the file written by --kaizen-report=FILE"
        )
    errors = sorted(
        contract.validator("report").iter_errors(data), key=lambda e: list(e.absolute_path)
    )
    if errors:
        first = errors[0]
        where = "/" + "/".join(str(part) for part in first.absolute_path)
        raise CompareError(
            f"{path}: does not match report.schema.json at {where}: {first.message} "
            f"({len(errors)} problem(s)); was it written by a newer kit? compare with "
            f"kaizen-conformance {data['kit'].get('version', '?')} or later"
        )
    loaded: dict[str, Any] = data
    return loaded


def load_reports(arguments: list[str]) -> tuple[list[LoadedReport], list[str]]:
    """Reports from files and directories (every ``*.json`` below one that is a kaizen report).

    A file given by name must be a report. In a directory, JSON files that are not kaizen reports
    at all (badges, other tools' output) are passed over with a note; one that claims to be a
    report but does not match the schema is an error, as for a named file.
    """
    reports: list[LoadedReport] = []
    notes: list[str] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = 0
            for candidate in sorted(path.rglob("*.json")):
                try:
                    peek = json.loads(candidate.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    peek = None
                if not _is_kaizen_report(peek):
                    notes.append(f"{candidate}: passed over, not a kaizen-conformance report")
                    continue
                reports.append(LoadedReport(str(candidate), read_report(candidate)))
                found += 1
            if not found:
                raise CompareError(
                    f"{path}: no kaizen-conformance report (*.json written by --kaizen-report) in this directory"
                )
        elif path.exists():
            reports.append(LoadedReport(str(path), read_report(path)))
        else:
            raise CompareError(f"{path}: no such file or directory")
    if not reports:
        raise CompareError("no reports given: name --kaizen-report files or directories of them")
    notes += [
        f"{r.source}: no role was configured in this run, so it adds no column"
        for r in reports
        if not any(claim["implementation"] for claim in r.data["claim"].values())
    ]
    return reports, notes
