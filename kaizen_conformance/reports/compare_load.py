"""Reading ``--kaizen-report`` files for ``kaizen-conformance compare``: files and directories.

A fleet page is made from files other teams' CI wrote, so nothing in them is trusted. Only
regular files are read (a FIFO would hang the run, a link to ``/dev/zero`` would never end), and
at most ``MAX_REPORT_BYTES`` of each. Every report is checked against ``report.schema.json`` and
the few things compare computes with (the contract version it orders columns by) before it is
compared. A file that cannot be used is one line naming it and what is wrong (``Unread``), and
the page is still made from the others: one team's broken or misconfigured report does not take
down the fleet's page.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from kaizen_conformance import contract

MAX_REPORT_BYTES = 32 * 1024 * 1024  # far above any real report (a full run is well under 1 MiB)
PROBLEM_LIMIT = 300  # characters of a schema error quoted in a problem line
GIVE_A_REPORT = "give the file written by --kaizen-report=FILE"
# The contract version orders columns ("1.10" after "1.9"): ASCII digits and dots only
# ("1.²" passes str.isdigit but not int()).
CONTRACT_VERSION_SHAPE = re.compile(r"[0-9]+(\.[0-9]+)*")


class CompareError(Exception):
    """A report that cannot be compared: ``source`` and one line saying what is wrong."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = printable(source)
        self.problem = printable(problem)
        super().__init__(f"{self.source}: {self.problem}")


@dataclass(frozen=True)
class LoadedReport:
    source: str  # the path as given (or found in a directory)
    data: dict[str, Any]


@dataclass
class Reading:
    """What ``load_reports`` made of its arguments: the reports to compare, notes (files in a
    directory passed over as not reports) and the files that could not be compared (``unread``),
    each one line naming the file."""

    reports: list[LoadedReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unread: list[CompareError] = field(default_factory=list)


def printable(text: str) -> str:
    """``text`` on one line: control and line-separator characters as escapes (``\\n``), so a
    file name or a message from a report cannot start a line of its own."""
    return "".join(
        char if char.isprintable() or char == " " else ascii(char)[1:-1] for char in text
    )


def _is_kaizen_report(data: Any) -> bool:
    kit = data.get("kit") if isinstance(data, dict) else None
    return isinstance(kit, dict) and kit.get("name") == "kaizen-conformance" and "roles" in data


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def read_bounded(path: Path, limit: int = MAX_REPORT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is a
    ``CompareError``. The file is opened non-blocking (a FIFO does not hang the open) and checked
    with ``fstat`` on the open descriptor, so what is read is what was checked."""
    source = str(path)
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):  # a device or a FIFO is not even opened
            raise CompareError(source, _not_regular(mode))
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise CompareError(source, f"cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):  # swapped for something else since the stat
            raise CompareError(source, _not_regular(info.st_mode))
        chunks: list[bytes] = []
        size = info.st_size if info.st_size > limit else 0  # too large: no need to read it
        while size <= limit:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise CompareError(source, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(descriptor)
    if size > limit:
        raise CompareError(
            source, f"larger than {limit // (1024 * 1024)} MiB, the most compare reads of a report"
        )
    return b"".join(chunks)


def _not_regular(mode: int) -> str:
    return f"not a regular file ({_file_kind(mode)}); {GIVE_A_REPORT}"


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def parse_json(path: Path) -> Any:
    """The file's JSON value: UTF-8, no ``NaN``/``Infinity``, nested no deeper than the parser's
    recursion allows; anything else is a ``CompareError`` saying which."""
    raw = read_bounded(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CompareError(str(path), f"cannot be read ({exc})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise CompareError(str(path), f"not JSON ({exc}); {GIVE_A_REPORT}") from None
    except RecursionError:
        raise CompareError(
            str(path), f"not a report: its JSON is nested too deeply to read; {GIVE_A_REPORT}"
        ) from None


def check_report(source: str, data: Any) -> dict[str, Any]:
    """``data`` as a report compare can use: a kaizen report matching ``report.schema.json``
    whose contract version is numbers and dots; anything else is a ``CompareError``."""
    if not _is_kaizen_report(data):
        raise CompareError(
            source,
            "not a kaizen-conformance report (no kit named kaizen-conformance, no roles); "
            + GIVE_A_REPORT,
        )
    try:
        errors = sorted(
            contract.validator("report").iter_errors(data), key=lambda e: list(e.absolute_path)
        )
    except RecursionError:
        raise CompareError(
            source, "nested too deeply to check against report.schema.json"
        ) from None
    if errors:
        first = errors[0]
        where = "/" + "/".join(str(part) for part in first.absolute_path)
        message = first.message
        if len(message) > PROBLEM_LIMIT:
            message = message[: PROBLEM_LIMIT - 1] + "…"
        kit_version = data["kit"].get("version", "?")
        raise CompareError(
            source,
            f"does not match report.schema.json at {where}: {message} "
            f"({len(errors)} problem(s)); was it written by a newer kit? compare with "
            f"kaizen-conformance {kit_version if isinstance(kit_version, str) else '?'} or later",
        )
    version = data["contract"]["version"]
    if not CONTRACT_VERSION_SHAPE.fullmatch(version):
        raise CompareError(
            source,
            f"contract version {version!r} is not numbers separated by dots (like 1.1); "
            + GIVE_A_REPORT,
        )
    checked: dict[str, Any] = data
    return checked


def read_report(path: Path) -> dict[str, Any]:
    """One report, read with bounds and checked; anything else is a ``CompareError``."""
    return check_report(str(path), parse_json(path))


def _read_directory(directory: Path, reading: Reading) -> None:
    """Every ``*.json`` below ``directory`` that is a kaizen report. Files that are not reports
    at all (badges, other tools' output, anything unreadable) are passed over with a note; one
    that claims to be a report but cannot be compared is unread, as a named file would be."""
    found = 0
    for candidate in sorted(directory.rglob("*.json")):
        try:
            data = parse_json(candidate)
        except CompareError as exc:
            reading.notes.append(f"{exc.source}: passed over, {exc.problem}")
            continue
        if not _is_kaizen_report(data):
            reading.notes.append(
                f"{printable(str(candidate))}: passed over, not a kaizen-conformance report"
            )
            continue
        found += 1
        try:
            reading.reports.append(LoadedReport(str(candidate), check_report(str(candidate), data)))
        except CompareError as exc:
            reading.unread.append(exc)
    if not found:
        reading.unread.append(
            CompareError(
                str(directory),
                "no kaizen-conformance report (*.json written by --kaizen-report) in this directory",
            )
        )


def load_reports(arguments: list[str]) -> Reading:
    """Reports from files and directories (every ``*.json`` below one that is a kaizen report).

    A file given by name must be a report. Whatever cannot be compared is one ``CompareError``
    in ``unread`` (the run goes on with the rest); the caller decides what is left to compare.
    """
    reading = Reading()
    for argument in arguments:
        path = Path(argument)
        try:
            if path.is_dir():
                _read_directory(path, reading)
            elif os.path.lexists(path):
                reading.reports.append(LoadedReport(str(path), read_report(path)))
            else:
                raise CompareError(str(path), "no such file or directory")
        except CompareError as exc:
            reading.unread.append(exc)
    reading.notes += [
        f"{printable(r.source)}: no role was configured in this run, so it adds no column"
        for r in reading.reports
        if not any(claim["implementation"] for claim in r.data["claim"].values())
    ]
    return reading
