"""Reference ``schedule validate``, ``schedule init`` and ``schedule list`` (contract sections 6 and 6b).

Where a repo's owner meets the manifest first. ``validate`` must agree with the resolver about
what opts a repo in, so it reads the manifest exactly as the resolver does (through
``reference.schedule``): a validator that said "valid" where the resolver says "excluded"
would let a repo silently never be scheduled. ``init`` writes a scaffold the resolver accepts,
and never loses a manifest that is already there.

Callables: ``validate(repo)`` returns on valid and raises ``ScheduleInvalid`` on invalid;
``init(repo)`` writes ``.kaizen/schedule.yml`` or raises ``InitRefused``; ``list_agents(repo)``
returns the agents (``ScheduleInvalid`` where validate would reject). ``list`` reads the manifest
through validate's own reading, so it can never list what validate rejects (LST-004). Commands::

    python -m kaizen_conformance.reference.manifest_tools validate REPO   # exit 0 valid, 1 invalid
    python -m kaizen_conformance.reference.manifest_tools init REPO       # exit 0 written, 1 refused
    python -m kaizen_conformance.reference.manifest_tools list [--json] REPO  # a JSON array, or exit 1

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import sys
from pathlib import Path
from typing import Any

MANIFEST = Path(".kaizen") / "schedule.yml"

SCAFFOLD = """\
# .kaizen/schedule.yml: this repo takes part in kaizen scheduling.
# Kaizen scheduling contract v1, section 1. Check it with: schedule validate <repo>
version: 1
agents:
  - name: coach            # ^[a-z][a-z0-9-]{0,62}$, unique in this file
    cadence: weekly        # daily | weekly | monthly
    enabled: true          # optional, default true
    description: "Reviews recent changes and proposes one small improvement."
"""


class ScheduleInvalid(ValueError):
    """The checkout has no valid manifest; the message names the file and the reason (VAL-002)."""


class InitRefused(FileExistsError):
    """init refuses: something is already where the manifest would go; nothing is overwritten (INI-003)."""


# --------------------------------------------------------------------------- validate


def validate(repo: str | os.PathLike[str]) -> None:
    """Return when ``repo`` has a valid ``.kaizen/schedule.yml``; raise ScheduleInvalid otherwise.

    Read-only and offline (VAL-003): it opens the manifest for reading and nothing else.
    """
    _read_valid(repo)


def _read_valid(repo: str | os.PathLike[str]) -> dict[str, Any]:
    """The valid manifest of ``repo`` as data, or ScheduleInvalid naming the file and the reason."""
    from kaizen_conformance.reference.schedule import ManifestInvalid, load_manifest

    checkout = Path(repo)
    where = checkout / MANIFEST
    if not checkout.is_dir():
        raise ScheduleInvalid(f"{where}: the checkout {checkout} is not a directory")
    try:
        return load_manifest(checkout)  # VAL-001: the resolver's own reading, SCH-001..006
    except ManifestInvalid as exc:
        raise ScheduleInvalid(f"{where}: {exc}") from None
    except OSError as exc:
        raise ScheduleInvalid(f"{where}: cannot be read: {exc.strerror or exc}") from None
    except Exception as exc:  # noqa: BLE001 - e.g. '!!int abc': whatever cannot be read is invalid
        raise ScheduleInvalid(
            f"{where}: cannot be read as a manifest: {type(exc).__name__}: {exc}"
        ) from None


# --------------------------------------------------------------------------- list


def list_agents(repo: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The agents ``repo`` schedules, in file order; ScheduleInvalid where validate rejects.

    Each agent has exactly ``name``, ``cadence``, ``enabled`` and ``description`` (LST-001):
    ``enabled`` is the manifest's default (true) where it is left out, so an operator never
    has to know the default; ``description`` is null where absent, so every row has one shape.
    """
    manifest = _read_valid(repo)  # LST-004: the very reading validate and prepare use
    return [
        {
            "name": agent["name"],
            "cadence": agent["cadence"],
            "enabled": agent.get("enabled", True),
            "description": agent.get("description"),
        }
        for agent in manifest["agents"]
    ]


# --------------------------------------------------------------------------- init


def _kaizen_dir(checkout: Path) -> Path:
    """``.kaizen`` as a real directory inside the checkout, created when absent.

    A ``.kaizen`` that is a symlink (wherever it leads) or not a directory is refused: writing
    through it could change files outside the checkout (INI-002), and a manifest behind a link
    that leaves the checkout would never count anyway (SCH-006).
    """
    directory = checkout / MANIFEST.parent
    with contextlib.suppress(FileExistsError):
        os.mkdir(directory, 0o755)
    if directory.is_symlink() or not directory.is_dir():
        what = "a symlink" if directory.is_symlink() else "not a directory"
        raise InitRefused(f"{directory}: is {what}; refusing to write a manifest through it")
    return directory


def init(repo: str | os.PathLike[str]) -> None:
    """Write the scaffold to ``repo/.kaizen/schedule.yml``; raise InitRefused if anything is there.

    INI-003: an existing entry of any kind (file, directory, symlink, even a dangling one) is
    never replaced: the file is created with O_EXCL | O_NOFOLLOW, so the check and the write
    are one step and no symlink is ever followed. INI-002: only ``.kaizen/`` is touched.
    """
    checkout = Path(repo)
    if not checkout.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "the checkout is not a directory", str(checkout))
    target = _kaizen_dir(checkout) / MANIFEST.name
    flags = (
        os.O_WRONLY
        | os.O_CREAT
        | os.O_EXCL
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_CLOEXEC", 0)
    )
    try:
        descriptor = os.open(target, flags, 0o644)
    except FileExistsError:
        raise InitRefused(f"{target}: already exists; refusing to overwrite it") from None
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(SCAFFOLD)


# --------------------------------------------------------------------------- commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kaizen_conformance.reference.manifest_tools",
        description="Reference schedule validate / schedule init (kaizen scheduling contract v1, section 6).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "validate",
        help="exit 0 when REPO/.kaizen/schedule.yml is valid, 1 (reason on stderr) when not",
    )
    check.add_argument("repo")
    scaffold = commands.add_parser(
        "init", help="write REPO/.kaizen/schedule.yml; exit 1 when one already exists"
    )
    scaffold.add_argument("repo")
    listing = commands.add_parser(
        "list", help="print REPO's agents as one JSON array; exit 1 (reason on stderr) when invalid"
    )
    listing.add_argument(
        "--json",
        action="store_true",
        help="accepted as kaizen-agentic spells it; JSON is the only output this reference writes",
    )
    listing.add_argument("repo")
    return parser


def main(argv: list[str] | None = None) -> int:
    args: Any = build_parser().parse_args(argv)
    if args.command == "validate":
        try:
            validate(args.repo)
        except ScheduleInvalid as exc:
            print(f"schedule validate: {exc}", file=sys.stderr)  # VAL-002: the file and the reason
            return 1
        print(f"{Path(args.repo) / MANIFEST}: valid")  # stdout: an acceptance is silent on stderr
        return 0
    if args.command == "list":
        try:
            agents = list_agents(args.repo)
        except ScheduleInvalid as exc:
            print(f"schedule list: {exc}", file=sys.stderr)  # LST-002: nothing on stdout
            return 1
        # Bytes, not print(): descriptions are UTF-8 whatever the locale says about stdout.
        sys.stdout.buffer.write(json.dumps(agents, ensure_ascii=False).encode("utf-8") + b"\n")
        sys.stdout.flush()
        return 0
    try:
        init(args.repo)
    except OSError as exc:  # InitRefused, or a checkout that is not a directory
        print(f"schedule init: {exc}", file=sys.stderr)
        return 1
    print(f"{Path(args.repo) / MANIFEST}: written; edit the agents, then run schedule validate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
