"""The kit's own files, from session start to session end: the implementation under test must not
be able to change the verdict by changing the kit (its goldens, its cases, its code).

Installed from a wheel, the package is checked against the wheel's ``RECORD`` at start: an
environment changed before the run (by an earlier run, say) is refused, and a file added to the
package since the install counts as a change. In a source checkout or an editable install there
is no record of what the files should hold, so they are hashed at start. Either way the start
keeps each file's stat (size, mtime, ctime, inode); the end walks the same trees again and
hashes only a file whose stat moved, so the end costs one directory walk. ``__pycache__`` is
Python's, not the kit's. The fixture tree in use (``$KAIZEN_CONFORMANCE_FIXTURES``) is checked
with the package wherever it lives.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from kaizen_conformance.cases.locations import PACKAGE_DIR, fixtures_dir

DISTRIBUTION = "kaizen-conformance"
PACKAGE = PACKAGE_DIR.name
SKIPPED_DIRS = frozenset({"__pycache__"})

Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode: a write moves one of them


@dataclass(frozen=True)
class KitFile:
    """What one file held at start: its sha256 (a symlink: its target) and its stat stamp."""

    digest: str
    stamp: Stamp


class InstallChanged(Exception):
    """The installed kit differs from its wheel's RECORD before anything ran."""

    def __init__(self, changed: list[str]) -> None:
        self.changed = changed
        shown = "\n  ".join(changed[:10]) + (
            f"\n  (+{len(changed) - 10} more)" if len(changed) > 10 else ""
        )
        super().__init__(
            f"kaizen-conformance: the installed kit differs from what its wheel installed "
            f"(RECORD), so no verdict of it could be trusted:\n  {shown}\n"
            f"Reinstall it: pip install --force-reinstall {DISTRIBUTION}"
        )


@dataclass
class KitBaseline:
    """The kit's files as the run started; ``changed()`` says which differ now."""

    roots: tuple[Path, ...]
    files: dict[str, KitFile]
    source: str  # how the start was known: "wheel RECORD" or "hashed at start"

    def changed(self, allowed: Callable[[str], bool] = lambda path: False) -> list[str]:
        """Every file changed, added or removed since the start (``allowed`` ones left out)."""
        now = walk(self.roots)
        changed = set(now).symmetric_difference(self.files)
        for path, info in now.items():
            before = self.files.get(path)
            # the stat first: only a file whose size, mtime, ctime or inode moved is hashed again
            if (
                before is not None
                and stamp(info) != before.stamp
                and describe(path, info) != before.digest
            ):
                changed.add(path)
        return sorted(path for path in changed if not allowed(path))


def stamp(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe(path: str, info: os.stat_result) -> str:
    """A file's content as the baseline keeps it: sha256 hex, or a symlink's target."""
    if stat.S_ISLNK(info.st_mode):
        return "link:" + os.readlink(path)
    return sha256_of(path)


def walk(roots: Iterable[Path]) -> dict[str, os.stat_result]:
    """Every file and symlink under ``roots`` (symlinks not followed), by absolute path."""
    found: dict[str, os.stat_result] = {}
    pending = [os.fspath(root) for root in roots if root.is_dir()]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode):
                    if entry.name not in SKIPPED_DIRS:
                        pending.append(entry.path)
                else:
                    found[entry.path] = info
    return found


def kit_roots(fixtures_in_use: Path) -> tuple[Path, ...]:
    """The package, its fixtures (beside it in a source checkout) and the fixture tree in use."""
    roots: list[Path] = []
    for root in (PACKAGE_DIR, fixtures_dir(), fixtures_in_use):
        resolved = root.resolve()
        if not any(resolved.is_relative_to(kept) for kept in roots):
            roots.append(resolved)
    return tuple(roots)


def installed_record() -> dict[str, str] | None:
    """``RECORD``'s sha256 (hex) of every package file, when this kit was installed from a wheel.

    None in a source checkout or an editable install: no distribution on the path lists the
    package's own ``__init__.py`` where it was imported from.
    """
    for dist in metadata.distributions(name=DISTRIBUTION):
        files = dist.files or []
        init = next((f for f in files if f.as_posix() == f"{PACKAGE}/__init__.py"), None)
        if (
            init is None
            or Path(str(dist.locate_file(init))).resolve() != PACKAGE_DIR / "__init__.py"
        ):
            continue
        record: dict[str, str] = {}
        for entry in files:
            if entry.parts[0] != PACKAGE or SKIPPED_DIRS.intersection(entry.parts):
                continue
            if entry.hash is None or entry.hash.mode != "sha256":
                continue
            raw = base64.urlsafe_b64decode(entry.hash.value + "=" * (-len(entry.hash.value) % 4))
            record[os.fspath(Path(str(dist.locate_file(entry))).resolve())] = raw.hex()
        return record
    return None


def take_baseline(fixtures_in_use: Path) -> KitBaseline:
    """The kit's files now, checked against the wheel's RECORD where there is one.

    Raises ``InstallChanged`` when an installed package differs from its RECORD: a file
    changed, missing, or added since the install.
    """
    roots = kit_roots(fixtures_in_use)
    found = walk(roots)
    record = installed_record()
    files = {path: KitFile(describe(path, info), stamp(info)) for path, info in found.items()}
    if record is None:
        return KitBaseline(roots, files, "hashed at start")
    package = os.fspath(PACKAGE_DIR) + os.sep
    differ = [
        path
        for path in sorted(set(record) | {p for p in files if p.startswith(package)})
        if files.get(path) is None or record.get(path) != files[path].digest
    ]
    if differ:
        raise InstallChanged(differ)
    return KitBaseline(roots, files, "wheel RECORD")
