"""Pieces of a plain init that the mutants recombine, each with one thing wrong."""

from __future__ import annotations

import os
from collections.abc import Callable

from kaizen_conformance.reference.manifest_tools import SCAFFOLD
from mutants._mistakes import manifest_file


def refuse_if_present(repo: str) -> None:
    """The right test: any directory entry at the manifest's path, a dangling link included."""
    if os.path.lexists(os.path.join(repo, ".kaizen")) and os.path.islink(
        os.path.join(repo, ".kaizen")
    ):
        raise FileExistsError(f"{os.path.join(repo, '.kaizen')} is a symlink; refusing")
    if os.path.lexists(manifest_file(repo)):
        raise FileExistsError(f"{manifest_file(repo)} already exists")


def write_text(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def initialiser(
    *,
    guard: Callable[[str], None] = refuse_if_present,
    scaffold: str = SCAFFOLD,
    target: Callable[[str], str] = manifest_file,
    after: Callable[[str], None] = lambda repo: None,
) -> Callable[[str], None]:
    """``init(repo)``: raises when it refuses, returns when it wrote the scaffold."""

    def init(repo: str) -> None:
        guard(repo)
        write_text(target(repo), scaffold)
        after(repo)

    return init
