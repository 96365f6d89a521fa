"""Reference prepare: ``kaizen-agentic schedule prepare <agent>`` (contract section 4).

Bundles one agent's prompt, memory, metrics and repo pointers into one
``kaizen.schedule.prepared`` CloudEvents 1.0 event. Offline (PRE-005) and read-only
(PRE-006) by construction: it opens files for reading and nothing else. Call it in-process
(``prepare(repo, agent)`` returns the event as a dict and raises PrepareError) or run it:
``python -m kaizen_conformance.reference.prepare AGENT REPO`` prints the event on stdout and
exits 0, or prints the reason on stderr and exits 1.

The repo layout it reads is fixed by the contract::

    .kaizen/schedule.yml
    .kaizen/agents/<agent>/prompt.md        required
    .kaizen/agents/<agent>/memory/*.md      optional, zero or more
    .kaizen/metrics/<agent>.json            optional, a JSON object

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kaizen_conformance.reference.schedule import (
    MANIFEST,
    ManifestInvalid,
    load_manifest,
)

SOURCE = "kaizen-agentic"
EVENT_TYPE = "kaizen.schedule.prepared"
COMMIT_ID = re.compile(r"^([0-9a-f]{40}|[0-9a-f]{64})$")
MAX_SYMBOLIC_REF_DEPTH = 10


class PrepareError(Exception):
    """This agent cannot be prepared in this repo; the message names the agent or the file."""


# --------------------------------------------------------------------------- files (PRE-003, PRE-004)


def _inside(root: str, real_root: str, relative: str) -> tuple[str, str]:
    """The lexical and the real path of ``relative``; PrepareError when it resolves outside the repo.

    Only the path is resolved, nothing is opened: an escaping target is never read (PRE-004).
    """
    lexical = os.path.join(root, *relative.split("/"))
    real = os.path.realpath(lexical)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise PrepareError(f"{relative} leaves the repo (it resolves to {real}); it is not read")
    return lexical, real


def _record(relative: str, data: bytes) -> dict[str, Any]:
    """PRE-003: the digest and size of the bytes on disk, never of a decoded or re-encoded text."""
    return {"path": relative, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _read(real: str) -> bytes:
    # The resolved path is opened, so a symlink swapped in after the check cannot lead outside.
    with open(real, "rb") as handle:
        return handle.read()


def _prompt(root: str, real_root: str, agent: str) -> dict[str, Any]:
    relative = f".kaizen/agents/{agent}/prompt.md"
    lexical, real = _inside(root, real_root, relative)
    if not os.path.lexists(lexical) or not os.path.exists(real):
        raise PrepareError(f"{relative} is missing: every prepared agent needs a prompt")
    if not os.path.isfile(real):
        raise PrepareError(f"{relative} is not a regular file")
    return _record(relative, _read(real))


def _memory(root: str, real_root: str, agent: str) -> list[dict[str, Any]]:
    """The regular ``*.md`` files directly in memory/, sorted by path (code point order)."""
    directory = f".kaizen/agents/{agent}/memory"
    _lexical, real = _inside(root, real_root, directory)
    if not os.path.isdir(real):
        return []
    records = []
    for name in sorted(os.listdir(real)):
        if not name.endswith(".md"):
            continue
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise PrepareError(
                f"{directory}: a memory file name is not valid UTF-8: {name!r}"
            ) from None
        relative = f"{directory}/{name}"
        _, target = _inside(root, real_root, relative)
        if os.path.isfile(target):  # directories, dangling links and devices are not memory files
            records.append(_record(relative, _read(target)))
    return records


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _metrics(root: str, real_root: str, agent: str) -> dict[str, Any] | None:
    relative = f".kaizen/metrics/{agent}.json"
    if not os.path.lexists(os.path.join(root, *relative.split("/"))):
        return None
    _, real = _inside(root, real_root, relative)
    if not os.path.isfile(real):
        raise PrepareError(f"{relative} is not a regular file holding a JSON object")
    data = _read(real)
    try:
        values = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise PrepareError(f"{relative} is not a JSON object: {exc}") from None
    if not isinstance(values, dict):
        raise PrepareError(f"{relative} is not a JSON object: it holds a JSON {_json_kind(values)}")
    return {**_record(relative, data), "values": values}


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "number"


# --------------------------------------------------------------------------- git (PRE-010)


def _text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except (OSError, UnicodeDecodeError):
        return None


def _git_dirs(root: str) -> tuple[str, str] | None:
    """(this checkout's git dir, the common git dir), or None outside a git checkout.

    ``.git`` is a directory, or a file ``gitdir: PATH`` (linked worktrees, submodules,
    ``--separate-git-dir``); a linked worktree shares refs through ``commondir``.
    """
    dotgit = os.path.join(root, ".git")
    if os.path.isdir(dotgit):
        gitdir = dotgit
    elif os.path.isfile(dotgit):
        pointer = _text(dotgit) or ""
        if not pointer.startswith("gitdir:"):
            return None
        gitdir = os.path.join(root, pointer.removeprefix("gitdir:").strip())
    else:
        return None
    common = _text(os.path.join(gitdir, "commondir"))
    return gitdir, os.path.join(gitdir, common) if common else gitdir


def _ref(gitdir: str, common: str, name: str) -> str | None:
    if ".." in name.split("/"):
        return None
    for base in (gitdir, common):  # per-worktree refs first, then the shared ones
        value = _text(os.path.join(base, *name.split("/")))
        if value is not None:
            return value
    packed = _text(os.path.join(common, "packed-refs")) or ""
    for line in packed.splitlines():
        if line.startswith(("#", "^")):
            continue
        commit, _, ref = line.partition(" ")
        if ref.strip() == name:
            return commit
    return None


def git_head(root: str) -> str | None:
    """HEAD's commit id when ``root`` is a git checkout (its own ``.git``), else None.

    Read from git's files ref store: loose and packed refs, symbolic refs to a bounded depth.
    A reftable store (git 2.45+, ``extensions.refStorage``) is not read: the kit builds every
    git case with the files store (its git runs with no system or global configuration), and
    a prepare meant for such checkouts asks git itself (``git rev-parse --verify HEAD``).
    """
    dirs = _git_dirs(root)
    if dirs is None:
        return None
    gitdir, common = dirs
    value = _text(os.path.join(gitdir, "HEAD"))
    for _ in range(MAX_SYMBOLIC_REF_DEPTH):
        if value is None:
            break
        if value.startswith("ref:"):
            value = _ref(gitdir, common, value.removeprefix("ref:").strip())
            continue
        value = value.lower()
        return value if COMMIT_ID.match(value) else None
    return None


# --------------------------------------------------------------------------- the event


def _root_as_given(repo: str | os.PathLike[str]) -> str:
    """The repo path exactly as given (data.repo.root): never resolved, only made absolute."""
    root = os.fspath(repo)
    if not os.path.isabs(root):
        root = os.path.abspath(root)
    if not os.path.isdir(root):
        raise PrepareError(f"{root} is not a directory")
    return root


def _agent_entry(root: str, agent: str) -> dict[str, Any]:
    try:
        manifest = load_manifest(Path(root))
    except ManifestInvalid as exc:  # missing, escaping or invalid (PRE-009)
        message = str(exc)
        raise PrepareError(
            message if str(MANIFEST) in message else f"{MANIFEST}: {message}"
        ) from None
    except OSError as exc:
        raise PrepareError(f"{MANIFEST}: cannot be read: {exc}") from None
    names = [entry["name"] for entry in manifest["agents"]]
    for entry in manifest["agents"]:
        if entry["name"] == agent:  # exact: names are case-sensitive
            if entry.get("enabled", True) is False:
                raise PrepareError(f"agent {agent!r} is disabled in {MANIFEST} (enabled: false)")
            return dict(entry)
    raise PrepareError(f"agent {agent!r} is not in {MANIFEST} (agents there: {', '.join(names)})")


def prepare(repo: str | os.PathLike[str], agent: str) -> dict[str, Any]:
    """The ``kaizen.schedule.prepared`` event for ``agent`` in ``repo``; PrepareError when impossible."""
    root = _root_as_given(repo)
    entry = _agent_entry(root, agent)  # before any path is built from the agent's name (PRE-008)
    real_root = os.path.realpath(root)
    data = {
        "agent": agent,
        "cadence": entry["cadence"],
        "repo": {"root": root, "head": git_head(root)},
        "prompt": _prompt(root, real_root, agent),
        "memory": _memory(root, real_root, agent),
        "metrics": _metrics(root, real_root, agent),
    }
    return {
        "specversion": "1.0",
        "type": EVENT_TYPE,
        "source": SOURCE,
        "id": str(uuid.uuid4()),
        "time": datetime.now(timezone.utc).isoformat(),
        "subject": agent,
        "datacontenttype": "application/json",
        "data": data,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kaizen_conformance.reference.prepare",
        description="Print the kaizen.schedule.prepared event of AGENT in REPO (contract section 4).",
    )
    parser.add_argument("agent")
    parser.add_argument("repo")
    args = parser.parse_args(argv)
    try:
        event = prepare(args.repo, args.agent)
    except (PrepareError, OSError) as exc:
        print(f"prepare: {exc}", file=sys.stderr)
        return 1
    # Bytes, not print(): the event is UTF-8 whatever the locale says about stdout.
    sys.stdout.buffer.write(json.dumps(event, ensure_ascii=False).encode("utf-8") + b"\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
