"""Fingerprints of directory trees, to prove an implementation changed nothing (or only what it may).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

Entry = tuple[str, str]  # (kind and mode, content digest or link target)


def fingerprint(root: Path) -> dict[str, Entry]:
    """Every path under ``root``: its kind, mode and bytes (symlinks are not followed)."""
    tree: dict[str, Entry] = {}
    if not root.exists():
        return tree
    pending = [("", os.fspath(root))]
    while pending:
        prefix, directory = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                relative = prefix + entry.name
                info = entry.stat(follow_symlinks=False)
                mode = f"{stat.S_IFMT(info.st_mode):o}:{stat.S_IMODE(info.st_mode):o}"
                if stat.S_ISLNK(info.st_mode):
                    tree[relative] = (f"link {mode}", os.readlink(entry.path))
                elif stat.S_ISREG(info.st_mode):
                    tree[relative] = (f"file {mode}", _digest(Path(entry.path)))
                else:
                    tree[relative] = (f"dir {mode}", "")
                    if stat.S_ISDIR(info.st_mode):
                        pending.append((relative + "/", entry.path))
    return tree


def _digest(path: Path) -> str:
    with open(path, "rb") as handle:
        if sys.version_info >= (3, 11):  # read and hashed in C
            return hashlib.file_digest(handle, "sha256").hexdigest()
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
        return digest.hexdigest()


def differences(
    before: dict[str, Entry],
    after: dict[str, Entry],
    limit: int = 10,
    keep: Callable[[str], bool] | None = None,
) -> list[str]:
    """Human-readable lines: what was added, removed or changed (only the paths ``keep`` keeps)."""

    def kept(paths: Iterable[str]) -> list[str]:
        return sorted(paths if keep is None else filter(keep, paths))

    lines = []
    for path in kept(after.keys() - before.keys()):
        lines.append(f"added    {path}")
    for path in kept(before.keys() - after.keys()):
        lines.append(f"removed  {path}")
    for path in kept(before.keys() & after.keys()):
        if before[path] != after[path]:
            what = "mode" if before[path][1] == after[path][1] else "content"
            lines.append(f"changed  {path} ({what})")
    if len(lines) > limit:
        lines = [*lines[:limit], f"... and {len(lines) - limit} more"]
    return lines
