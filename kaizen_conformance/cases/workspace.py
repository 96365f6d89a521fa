"""Materialised cases: a fresh directory under pytest's tmp_path with ``repos/`` and ``outside/``.

Fixture sources are copied, never touched; anything git or a wheel cannot carry (symlinks,
generated or multi-megabyte files) is declared under ``files:`` and created here.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaizen_conformance.cases.loading import PLACEHOLDER, FixtureError, fixtures_root

# --------------------------------------------------------------------------- workspaces


@dataclass
class Workspace:
    """A materialised case: ``repos/`` (checkouts), ``outside/`` (beyond every checkout)."""

    root: Path

    @property
    def repos(self) -> Path:
        return self.root / "repos"

    @property
    def outside(self) -> Path:
        return self.root / "outside"

    @property
    def marker(self) -> Path:
        """A path a hostile manifest tries to create; its existence proves code ran."""
        return self.root / "marker-code-was-executed"

    def placeholders(self) -> dict[str, str]:
        return {
            "root": str(self.root),
            "repos": str(self.repos),
            "outside": str(self.outside),
            "marker": str(self.marker),
            # the checkouts seen from the current directory: a relative host path that exists
            "repos_rel": os.path.relpath(self.repos),
        }

    def expand(self, value: str, source: Path, where: str) -> str:
        known = self.placeholders()

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in known:
                raise FixtureError(
                    source,
                    f"placeholder {{{name}}} does not resolve",
                    where=where,
                    fix=f"use one of {', '.join('{' + k + '}' for k in known)}",
                )
            return known[name]

        return PLACEHOLDER.sub(substitute, value)


def new_workspace(root: Path, repos_source: Path | None) -> Workspace:
    """Copy a case's own checkouts (and nothing else) into ``root``."""
    workspace = Workspace(root)
    if repos_source is not None and repos_source.is_dir():
        shutil.copytree(repos_source, workspace.repos, symlinks=True)
    else:
        workspace.repos.mkdir(parents=True)
    workspace.outside.mkdir()
    return workspace


def materialise_files(
    entries: list[Mapping[str, Any]],
    workspace: Workspace,
    source: Path,
    where: str,
    copies: dict[str, bytes] | None = None,
) -> None:
    """Create what a case declares under ``files:``, in order.

    ``copies`` caches the bytes of copy sources, for callers that materialise the same
    entries thousands of times (generated rosters).
    """
    for index, entry in enumerate(entries):
        at = f"{where}[{index}]"
        target = workspace.root / workspace.expand(entry["path"], source, f"{at}.path")
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
        if "remove" in entry:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
        elif "mkdir" in entry:
            target.mkdir(exist_ok=True)
        elif "symlink" in entry:
            target.symlink_to(workspace.expand(entry["symlink"], source, f"{at}.symlink"))
        elif "text" in entry:
            target.write_bytes(
                workspace.expand(entry["text"], source, f"{at}.text").encode("utf-8")
            )
        elif "copy" in entry:
            if copies is not None and entry["copy"] in copies:
                target.write_bytes(copies[entry["copy"]])
                continue
            origin = fixtures_root() / entry["copy"]
            if not origin.is_file():
                raise FixtureError(
                    source,
                    f"copy source {entry['copy']} does not exist",
                    where=f"{at}.copy",
                    fix="name a file relative to the fixtures directory",
                )
            if copies is not None:
                copies[entry["copy"]] = origin.read_bytes()
                target.write_bytes(copies[entry["copy"]])
            else:
                shutil.copyfile(origin, target)
        else:
            target.write_bytes(generated_bytes(entry["generate"]))


def generated_bytes(spec: Mapping[str, Any]) -> bytes:
    """``prefix`` then ``fill`` repeated up to exactly ``size`` bytes (for oversized files)."""
    prefix = str(spec.get("prefix", "")).encode("utf-8")
    fill = str(spec.get("fill", "#")).encode("utf-8")
    size = int(spec["size"])
    body = prefix + fill * ((max(size - len(prefix), 0) // len(fill)) + 1)
    return body[:size]
