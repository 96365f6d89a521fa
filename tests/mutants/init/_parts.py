"""Pieces of a plain init that the mutants recombine, each with one thing wrong."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable

from kaizen_conformance.reference.manifest_tools import SCAFFOLD


def manifest_file(repo: str) -> str:
    return os.path.join(repo, ".kaizen", "schedule.yml")


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


def command_option(module_placeholder: str = "{module}") -> str:
    """``--kaizen-init-cmd`` running a mutant module as a command with this interpreter."""
    return f"--kaizen-init-cmd={shlex.quote(sys.executable)} -m {module_placeholder} {{repo}}"


def main(init: Callable[[str], None]) -> int:
    try:
        init(sys.argv[1])
    except OSError as exc:
        print(f"schedule init: {exc}", file=sys.stderr)
        return 1
    return 0
