"""Materialised cases: a fresh directory under pytest's tmp_path with ``repos/`` and ``outside/``.

Fixture sources are copied, never touched; anything git or a wheel cannot carry (symlinks,
generated or multi-megabyte files) is declared under ``files:`` and created here.

A case is contributed data, run by a maintainer reviewing it (``check-fixtures DIR``) and by
every run with ``--kaizen-extra-cases``: nothing it declares may reach outside its workspace.
So every path is walked from the workspace root one directory at a time without following a
link (``O_NOFOLLOW``), symlinks are created after every other entry, no entry may lie at or
below a declared symlink, a copy reads only the fixtures or the case's own directory
(``loading.copy_origin``), and a case's declared bytes are counted against ``CASE_BUDGET``
before anything is written.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kaizen_conformance.cases.loading import (
    INDEX,
    PLACEHOLDER,
    WORKSPACE_PLACEHOLDERS,
    FixtureError,
    check_files_entries,
    copy_origin,
)

# What one case may declare in all (files, generated files, every record of a generated group,
# copies): enough for the largest shipped case many times over, far from filling a disk.
CASE_BUDGET = 512 * 1024 * 1024
BLOCK = 4096  # every entry counts at least one disk block: a million empty files cost too
# what a placeholder in text: may expand to (a path; PATH_MAX on Linux), counted before expansion
PLACEHOLDER_ALLOWANCE = 4096
COPY_CACHE_LIMIT = 1024 * 1024  # copy sources up to this size are read once per materialisation
NO_FOLLOW_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
NO_FOLLOW_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
THROUGH_LINKS = "materialising writes, copies and removes nothing through a symbolic link"

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
    """Copy a case's own checkouts (and nothing else) into ``root``.

    Links inside ``repos/`` are copied as links; a ``repos`` that is itself a link would copy
    whatever it points to (any directory of the machine), so it is refused.
    """
    workspace = Workspace(root)
    if repos_source is not None and repos_source.is_symlink():
        raise FixtureError(
            repos_source,
            "is a symbolic link: a case's checkouts must be its own tree",
            fix="replace the link with the directory of checkouts itself",
        )
    if repos_source is not None and repos_source.is_dir():
        shutil.copytree(repos_source, workspace.repos, symlinks=True)
    else:
        workspace.repos.mkdir(parents=True)
    workspace.outside.mkdir()
    return workspace


# --------------------------------------------------------------------------- where entries go


def entry_parts(workspace: Workspace, path: str, source: Path, where: str) -> tuple[str, ...]:
    """A ``files:`` path, placeholders expanded, as names below the workspace root.

    An expanded path that is absolute must start with the root (``{repos}/a``); ``..`` is
    refused, not resolved, since what it leads to depends on links in the tree.
    """
    expanded = workspace.expand(path, source, where)
    root = str(workspace.root).rstrip("/")
    if expanded.startswith("/"):
        below = expanded[len(root) :] if expanded.startswith(root + "/") else None
    else:
        below = expanded
    parts = tuple(part for part in (below or "").split("/") if part not in ("", "."))
    if below is None or ".." in parts or not parts:
        raise FixtureError(
            source,
            f"path {path!r} does not name a path inside the case's workspace (it expands to {expanded!r})",
            where=where,
            fix="give a path relative to the workspace, such as repos/alpha/.kaizen/schedule.yml "
            "or {outside}/secret.md, without '..'",
        )
    return parts


@dataclass(frozen=True)
class Planned:
    """One ``files:`` entry about to be made: its JSON path, the entry, and its path's names."""

    where: str
    entry: Mapping[str, Any]
    parts: tuple[str, ...]

    @property
    def shown(self) -> str:
        return "/".join(self.parts)


def refuse_below_symlinks(planned: Sequence[Planned], source: Path) -> None:
    """No entry may lie at or below a path a declared symlink takes: it would act through the link."""
    links = {item.parts: item for item in planned if "symlink" in item.entry}
    for item in planned:
        for length in range(1, len(item.parts) + 1):
            link = links.get(item.parts[:length])
            if link is not None and link is not item:
                raise FixtureError(
                    source,
                    f"{item.shown} lies at or below {link.shown}, which {link.where} declares a "
                    f"symbolic link: {THROUGH_LINKS}",
                    where=item.where,
                    fix="give this entry a path that is not under a declared symlink "
                    "(create the link's target by its own path, e.g. under {outside}/)",
                )


# --------------------------------------------------------------------------- materialising


def materialise_files(
    entries: Sequence[Mapping[str, Any]], workspace: Workspace, source: Path, where: str
) -> None:
    """Create what a case declares under ``files:`` (every entry in order, symlinks last)."""
    materialise_planned(
        [(f"{where}[{index}]", entry) for index, entry in enumerate(entries)], workspace, source
    )


def materialise_planned(
    entries: Iterable[tuple[str, Mapping[str, Any]]], workspace: Workspace, source: Path
) -> None:
    """Create ``(json path, entry)`` pairs: the one path every role's materialisation takes.

    Every target is checked before anything is made: each lies inside the workspace and none at
    or below a declared symlink. Symlinks are made after every other entry, so nothing a case
    declares is ever made through one of its links; links already in the tree (from the case's
    ``repos/``) are refused by the walk (``WorkspaceWriter``).
    """
    planned = [
        Planned(where, entry, entry_parts(workspace, entry["path"], source, f"{where}.path"))
        for where, entry in entries
    ]
    refuse_below_symlinks(planned, source)
    ordered = [p for p in planned if "symlink" not in p.entry] + [
        p for p in planned if "symlink" in p.entry
    ]
    with WorkspaceWriter.open(workspace, source) as writer:
        for item in ordered:
            writer.make(item)


def refusal(source: Path, item: Planned, problem: str, fix: str) -> FixtureError:
    return FixtureError(source, f"{item.shown}: {problem}", where=item.where, fix=fix)


def link_on_the_way(source: Path, item: Planned, link: str) -> FixtureError:
    """The entry's path passes through ``link``, a symbolic link already in the workspace."""
    return refusal(
        source,
        item,
        f"{link} is a symbolic link in the workspace: {THROUGH_LINKS}",
        fix="make that path a real directory (in the case's repos/ or with mkdir: true), "
        "or give this entry a path that does not pass through the link",
    )


def link_at_target(source: Path, item: Planned) -> FixtureError:
    """The entry would write onto (or make a directory at) a path that already is a link."""
    return refusal(
        source,
        item,
        f"is a symbolic link already: {THROUGH_LINKS}",
        fix=f"remove the link first ({{path: {item.shown}, remove: true}} before this entry), "
        "or write elsewhere",
    )


def refuse_committed_links(planned: Sequence[Planned], source: Path, tree: Path) -> None:
    """Links committed in the case's ``repos/`` (``tree``), checked before the run as the writer
    checks them while it makes the workspace: none on an entry's way, none under a write."""
    for item in planned:
        if item.parts[0] != "repos" or len(item.parts) < 2:
            continue
        for length in range(2, len(item.parts) + 1):
            path = tree.joinpath(*item.parts[1:length])
            if not path.is_symlink():
                continue
            if length < len(item.parts):
                raise link_on_the_way(source, item, "/".join(item.parts[:length]))
            if not ({"remove", "symlink"} & item.entry.keys()):
                raise link_at_target(source, item)


@dataclass
class WorkspaceWriter:
    """Makes entries below the workspace root, opening each directory without following a link."""

    workspace: Workspace
    source: Path
    root_fd: int
    copies: dict[str, bytes] = field(default_factory=dict)  # by copy: name, for one source

    @classmethod
    @contextmanager
    def open(cls, workspace: Workspace, source: Path) -> Iterator[WorkspaceWriter]:
        root_fd = os.open(workspace.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            yield cls(workspace, source, root_fd)
        finally:
            os.close(root_fd)

    def refuse(self, item: Planned, problem: str, fix: str) -> FixtureError:
        return refusal(self.source, item, problem, fix)

    def refuse_link(self, item: Planned, link: str) -> FixtureError:
        return link_on_the_way(self.source, item, link)

    @contextmanager
    def parent(self, item: Planned) -> Iterator[int]:
        """The entry's parent directory, opened (and created) name by name, never through a link."""
        fd = os.dup(self.root_fd)
        try:
            for depth, name in enumerate(item.parts[:-1]):
                try:
                    child = os.open(name, NO_FOLLOW_DIRECTORY, dir_fd=fd)
                except FileNotFoundError:
                    os.mkdir(name, dir_fd=fd)
                    child = os.open(name, NO_FOLLOW_DIRECTORY, dir_fd=fd)
                except OSError as exc:
                    if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                        raise
                    shown = "/".join(item.parts[: depth + 1])
                    if stat.S_ISLNK(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                        raise self.refuse_link(item, shown) from None
                    raise self.refuse(
                        item,
                        f"{shown} is a file, not a directory",
                        fix="remove that file first (remove: true), or choose another path",
                    ) from None
                os.close(fd)
                fd = child
            yield fd
        finally:
            os.close(fd)

    def make(self, item: Planned) -> None:
        """Make one entry; an OSError becomes a FixtureError naming the entry (never a traceback)."""
        try:
            with self.parent(item) as parent:
                self.make_in(parent, item.parts[-1], item)
        except OSError as exc:
            raise self.refuse(
                item,
                f"cannot be made: {exc.strerror or exc}",
                fix="correct this files: entry (its path, or an earlier entry it depends on)",
            ) from None

    def make_in(self, parent: int, name: str, item: Planned) -> None:
        entry, expand = item.entry, self.workspace.expand
        if "remove" in entry:
            self.remove(parent, name, item)
        elif "mkdir" in entry:
            try:
                os.mkdir(name, dir_fd=parent)
            except FileExistsError:
                mode = os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode
                if stat.S_ISLNK(mode):
                    raise link_at_target(self.source, item) from None
                if not stat.S_ISDIR(mode):
                    raise
        elif "symlink" in entry:
            target = expand(entry["symlink"], self.source, f"{item.where}.symlink")
            os.symlink(target, name, dir_fd=parent)
        elif "text" in entry:
            text = expand(entry["text"], self.source, f"{item.where}.text")
            self.write(parent, name, item, text.encode("utf-8"))
        elif "copy" in entry:
            self.write(parent, name, item, self.copy_source(item))
        else:
            self.write(parent, name, item, generated_bytes(entry["generate"]))

    def remove(self, parent: int, name: str, item: Planned) -> None:
        """Remove the entry itself: a link is unlinked, never followed; a directory is removed whole."""
        try:
            mode = os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode
        except FileNotFoundError:
            return
        if stat.S_ISDIR(mode):
            # the parents were just opened without following a link; rmtree follows none inside
            shutil.rmtree(self.workspace.root.joinpath(*item.parts))
        else:
            os.unlink(name, dir_fd=parent)

    def write(self, parent: int, name: str, item: Planned, content: bytes | Path) -> None:
        """Write a regular file; an existing link at the path is refused, not followed."""
        try:
            fd = os.open(name, NO_FOLLOW_WRITE, 0o666, dir_fd=parent)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            raise link_at_target(self.source, item) from None
        with os.fdopen(fd, "wb") as out:
            if isinstance(content, Path):
                with content.open("rb") as origin:
                    shutil.copyfileobj(origin, out)
            else:
                out.write(content)

    def copy_source(self, item: Planned) -> bytes | Path:
        """The copy's bytes (read once when small: a generated group copies one file thousands of times)."""
        name = str(item.entry["copy"])
        if name in self.copies:
            return self.copies[name]
        origin = copy_origin(name, self.source, f"{item.where}.copy")
        if origin.stat().st_size > COPY_CACHE_LIMIT:
            return origin
        self.copies[name] = origin.read_bytes()
        return self.copies[name]


def write_file(workspace: Workspace, path: Path, content: bytes, source: Path, where: str) -> None:
    """Write ``content`` to ``path`` (inside the workspace) as a ``files:`` entry would be written."""
    parts = path.relative_to(workspace.root).parts
    item = Planned(where, {"path": "/".join(parts)}, parts)
    with WorkspaceWriter.open(workspace, source) as writer:
        try:
            with writer.parent(item) as parent:
                writer.write(parent, parts[-1], item, content)
        except OSError as exc:
            raise writer.refuse(
                item,
                f"cannot be written: {exc.strerror or exc}",
                fix="make the directories on this path real directories, not links (files: or repos/)",
            ) from None


# --------------------------------------------------------------------------- checked at load


@dataclass(frozen=True)
class Declared:
    """One ``files:`` list of a case: where it is, its entries, and how often it is made."""

    where: str
    entries: Sequence[Mapping[str, Any]]
    times: int = 1  # a generated group's files are made once per record
    placeholders: tuple[str, ...] = WORKSPACE_PLACEHOLDERS


# A workspace that exists nowhere: load-time checks expand paths against it.
NOWHERE = Workspace(Path("/kaizen-case-workspace"))


def check_declared(
    source: Path,
    declared: Iterable[Declared],
    fixed_bytes: int = 0,
    tree: Path | None = None,
) -> None:
    """Check a case's ``files:`` lists before anything is made: placeholders, copy sources, paths
    inside the workspace, nothing through a declared symlink or one committed in ``tree`` (the
    case's ``repos/``), and the total against ``CASE_BUDGET``.

    ``fixed_bytes``: what the case writes besides its files (a corpus entry's manifest).
    Collection and ``check-fixtures`` both load cases, so both refuse a case here; the writer
    checks again while it makes the workspace.
    """
    total, planned = fixed_bytes, []
    for group in declared:
        check_files_entries(list(group.entries), source, group.where, group.placeholders)
        for index, entry in enumerate(group.entries):
            where = f"{group.where}[{index}]"
            path = str(entry["path"]).replace(INDEX, "0")
            planned.append(
                Planned(where, entry, entry_parts(NOWHERE, path, source, f"{where}.path"))
            )
            total += group.times * declared_bytes(entry, source, where)
    refuse_below_symlinks(planned, source)
    if tree is not None:
        refuse_committed_links(planned, source, tree)
    if total > CASE_BUDGET:
        raise FixtureError(
            source,
            f"the case declares {mebibytes(total)} of files in all, over the budget of "
            f"{mebibytes(CASE_BUDGET)} a case may make",
            where="$",
            fix="make fewer or smaller files (generate: size, a group's count, copies); "
            "every entry counts at least 4 KiB",
        )


def declared_bytes(entry: Mapping[str, Any], source: Path, where: str) -> int:
    """What one entry makes, counted from its declaration (at least one block)."""
    if "generate" in entry:
        size = int(entry["generate"]["size"])
    elif "text" in entry:
        text = str(entry["text"])
        placeholders = len(PLACEHOLDER.findall(text))
        size = len(PLACEHOLDER.sub("", text).encode("utf-8")) + placeholders * PLACEHOLDER_ALLOWANCE
    elif "copy" in entry:
        size = copy_origin(entry["copy"], source, f"{where}.copy").stat().st_size
    else:
        size = 0
    return max(size, BLOCK)


def mebibytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MiB"


def generated_bytes(spec: Mapping[str, Any]) -> bytes:
    """``prefix`` then ``fill`` repeated up to exactly ``size`` bytes (for oversized files)."""
    prefix, fill, size = str(spec.get("prefix", "")), str(spec.get("fill", "#")), int(spec["size"])
    make = _kept if size <= KEPT_GENERATED else _generated
    return make(prefix, fill, size)


KEPT_GENERATED = 16 * 1024 * 1024  # bytes: a generated file up to this size is made once a run


@lru_cache(maxsize=4)
def _kept(prefix_text: str, fill_text: str, size: int) -> bytes:
    """Made once per run: the ten-mib cases write the same 10 MiB into the workspace of each
    role that reads them, and building it again for each costs more than writing it. Larger
    files (a contributed case may declare hundreds of MiB) are made each time, never held."""
    return _generated(prefix_text, fill_text, size)


def _generated(prefix_text: str, fill_text: str, size: int) -> bytes:
    prefix = prefix_text.encode("utf-8")
    fill = fill_text.encode("utf-8")
    body = prefix + fill * ((max(size - len(prefix), 0) // len(fill)) + 1)
    return body[:size]
