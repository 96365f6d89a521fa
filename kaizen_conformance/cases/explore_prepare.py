"""Prepare examples beyond the golden cases, drawn by Hypothesis, judged by an oracle of the
contract (section 4).

An example is one fixture repo and one agent prepared in it. It is drawn as a small model (the
agent, the manifest's agents, the prompt, the memory directory's entries, the metrics file), and
``case_of`` turns it into exactly what a prepare fixture case holds: the ``case.yml`` data
(``files:`` for what a wheel cannot carry: symlinks, empty directories, the files outside the
repo that escaping links lead to) and the ``repo/`` files as bytes. The judge materialises that
case as the golden suite does; a failing example is written out as that case.

The expected outcome is ``cases/prepare_oracle.py``'s: the event (or the refusal) the contract defines, computed
from the case's files alone with its own small model of paths and links. It shares nothing with
the reference prepare. Only what the contract defines, the same on every machine, is drawn: one
reason at most to refuse, JSON that every parser reads alike, names that are valid UTF-8 in one
normal form, never two names that a case-insensitive file system would hold as one.

This module imports Hypothesis at its top: only ``--kaizen-explore`` imports it.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from kaizen_conformance.cases.explore import example_id as case_id_of
from kaizen_conformance.cases.explore import mostly
from kaizen_conformance.cases.prepare_oracle import CaseFiles

# Every list below is ordered simplest first: Hypothesis shrinks a choice toward its first entry,
# so a shrunk example reads as the ordinary repo with the one odd thing that matters.
AGENTS = ("coach", "scribe", "dependency-scout", "a")
UNKNOWN_AGENTS = ("ghost", "Coach", "coach-")  # not in the manifest: names compare exactly
CADENCES = ("weekly", "daily", "monthly")
CHECKOUTS = ("subject", "dépôt kaizen")
# Memory file names: case (B before a), digits (10- before 2-), dot-files (a name that ends in
# .md is memory, hidden or not), non-ASCII, and characters whose code-point order differs from
# their UTF-16 order (U+FF46, U+FB01 and U+FB00 sort before U+1F680, U+1D4B3 and U+1F4DD by code
# point, after them by UTF-16 code unit).
MEMORY_NAMES = (
    "notes.md",
    "a.md",
    "B.md",
    "Notes.md",
    "10-later.md",
    "2-earlier.md",
    ".hidden.md",
    ".notes.md",
    "über.md",
    "Zulu.md",
    "ça-va.md",
    "\uff46\uff55\uff4c\uff4c.md",  # "full" in fullwidth letters
    "\U0001f680-launch.md",
    "x.md.md",
    "\ufb01nal.md",
    "\U0001d4b3-math.md",
    "\ufb00-ligature.md",
    "\U0001f4dd-memo.md",
)
# One example's memory names come from one of these most of the time, so that the names whose
# order is easy to get wrong meet each other: all of them, case and digits, dots, beyond ASCII.
NAME_FAMILIES: tuple[tuple[str, ...], ...] = (
    MEMORY_NAMES,
    tuple(n for n in MEMORY_NAMES if n.isascii()),
    (*(n for n in MEMORY_NAMES if n.startswith(".") or n.count(".") > 1), "notes.md"),
    (*(n for n in MEMORY_NAMES if not n.isascii()), "Zulu.md"),
)
# Entries directly in memory/ that are not memory files.
NOT_MEMORY_NAMES = ("notes.txt", "README", "draft.md.bak", "notes.MD", "old.markdown", "md")
DIRECTORY_NAMES = ("sub", "folder.md", ".archive")
# File contents: text, CRLF, a BOM, emoji, empty, and bytes that are no UTF-8 at all (digests
# and sizes are of the bytes on disk, whatever they are).
CONTENTS: tuple[bytes, ...] = (
    b"Remember the last review.\n",
    b"",
    b"line one\r\nline two\r\n",
    "\ufeffWith a BOM and caf\u00e9\n".encode(),
    "Emoji \U0001f680 four bytes each \U0001f600\n".encode(),
    b"no newline at the end",
    b"\x00\x01binary\xff\xfe\x80 bytes\n",
    b"\r\n\r\n",
    b"latin-1 caf\xe9\n",
)
PROMPT_TEXT = b"# Agent\n\nImprove one thing this week.\n"
# Metrics that are a JSON object (every JSON parser reads them alike) ...
OBJECT_METRICS: tuple[bytes, ...] = (
    b'{"runs": 12, "success_rate": 0.75}\n',
    b"{}",
    b'{"nested": {"list": [1, 2, 3], "flag": true, "none": null}}\r\n',
    b'  {"spaced": "out"}  \n\n',
    '{"text": "caf\\u00e9 \\ud83d\\ude80", "raw": "\u00fcber"}\n'.encode(),
    b'{"big": 1e2, "neg": -0.5, "whole": 3.0}\n',
    b'{"a": [], "b": {}, "c": ""}',
)
# ... and metrics that are not: an error naming the metrics file (PRE-009). JSON that is not an
# object, and text that is no JSON at all (RFC 8259 has no NaN or Infinity; UTF-8 only).
NOT_OBJECT_METRICS: tuple[bytes, ...] = (
    b"[1, 2, 3]\n",
    b'"a string"\n',
    b"42\n",
    b"null\n",
    b"true\n",
)
NOT_JSON_METRICS: tuple[bytes, ...] = (
    b'{"runs": 12\n',
    b'{"rate": NaN}\n',
    b"",
    b'{"limit": Infinity}\n',
    b'{"a": 1} {"b": 2}\n',
    b"NaN\n",
    b'{"name": "caf\xe9"}\n',
    b'{"low": -Infinity}\n',
    b"{'single': 'quotes'}\n",
)
ESCAPES = ("absolute", "relative")  # how a symlink leaves the repo: {outside}/x, or ../../x
SECRET = "SECRET-{0}-{1}: outside the repo; prepare must never read it.\n"
README = b"# A repository\n"
SHARED_METRICS = b'{"shared": true}\n'
# Where a symlink that stays inside leads, relative to the link's own directory.
INSIDE_FILE_FROM_MEMORY = "../prompt.md"
INSIDE_DIR_FROM_MEMORY = ".."
INSIDE_FILE_FROM_PROMPT = "../../../README.md"
INSIDE_FILE_FROM_METRICS = "shared.json"
# How deep each file sits under the workspace root (repos/<checkout>/...): a relative link that
# climbs out climbs that many levels, then into outside/.
CLIMB = {"prompt": 5, "memory": 6, "metrics": 4}


# --------------------------------------------------------------------------- drawing examples


# What an entry directly in memory/ is, a plain memory file most often: a file that is not
# memory, a directory (holding a file), an empty directory, a symlink to a file or to a directory
# inside the repo.
ENTRY_KINDS = (
    "file",
    "file",
    "not-memory",
    "link-file",
    "file",
    "directory",
    "link-dir",
    "file",
    "empty-dir",
    "link-file",
)


@st.composite
def memory_entry(draw: st.DrawFn, names: tuple[str, ...] = MEMORY_NAMES) -> dict[str, Any]:
    kind = draw(st.sampled_from(ENTRY_KINDS))
    if kind == "not-memory":
        return {"kind": "file", "name": draw(st.sampled_from(NOT_MEMORY_NAMES)), "content": b"x\n"}
    if kind in ("directory", "empty-dir"):
        return {"kind": kind, "name": draw(st.sampled_from(DIRECTORY_NAMES))}
    name = draw(st.sampled_from(names))
    if kind == "file":
        return {"kind": "file", "name": name, "content": draw(st.sampled_from(CONTENTS))}
    return {"kind": kind, "name": name}


def unique_names(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per name, and per name ignoring case: a directory holds each name once, and on
    a case-insensitive file system (macOS, Windows) ``Notes.md`` is ``notes.md``, so an example
    holding both would be another example there."""
    seen: set[str] = set()
    kept = []
    for entry in entries:
        if entry["name"].casefold() not in seen:
            seen.add(entry["name"].casefold())
            kept.append(entry)
    return kept


# The one thing that makes prepare refuse, if any (the contract does not order two reasons);
# metrics that are not a JSON object come in many more shapes than the others, so more often.
REFUSALS = (
    "none",
    "unknown-agent",
    "metrics-not-an-object",
    "disabled-agent",
    "escaping-memory",
    "missing-prompt",
    "metrics-not-json",
    "escaping-prompt",
    "prompt-is-a-directory",
    "metrics-not-json",
    "escaping-metrics",
    "escaping-memory-directory",
)


@st.composite
def examples(draw: st.DrawFn) -> dict[str, Any]:
    """The model of one example: ``case_of`` makes it a prepare case."""
    refusal = draw(mostly(REFUSALS[:1], REFUSALS[1:], 1))
    agent = draw(st.sampled_from(AGENTS))
    others = [a for a in AGENTS if a != agent]
    manifest: list[dict[str, Any]] = [{"name": agent, "cadence": draw(st.sampled_from(CADENCES))}]
    if draw(st.booleans()):
        manifest[0]["enabled"] = True
    for other in draw(st.lists(st.sampled_from(others), max_size=2, unique=True)):
        entry: dict[str, Any] = {"name": other, "cadence": draw(st.sampled_from(CADENCES))}
        if draw(st.booleans()):
            entry["enabled"] = draw(st.booleans())
        manifest.append(entry)
    if draw(st.booleans()):
        manifest.reverse()
    asked = agent
    if refusal == "unknown-agent":
        asked = draw(st.sampled_from(UNKNOWN_AGENTS))
    elif refusal == "disabled-agent":
        manifest = [{**e, "enabled": False} if e["name"] == agent else e for e in manifest]

    prompt: dict[str, Any] = {"kind": "file", "content": PROMPT_TEXT}
    if refusal == "missing-prompt":
        prompt = {"kind": "missing"}
    elif refusal == "prompt-is-a-directory":
        prompt = {"kind": "directory"}
    elif refusal == "escaping-prompt":
        prompt = {"kind": "escape", "form": draw(st.sampled_from(ESCAPES))}
    else:
        prompt = draw(
            mostly(
                ({"kind": "file", "content": PROMPT_TEXT},),
                (*({"kind": "file", "content": c} for c in CONTENTS), {"kind": "link"}),
                3,
            )
        )

    memory: dict[str, Any] | None = None
    if draw(st.sampled_from((True, True, True, False))) or refusal.startswith("escaping-memory"):
        family = draw(st.sampled_from(NAME_FAMILIES))
        entries = unique_names(draw(st.lists(memory_entry(family), max_size=8)))
        memory = {"entries": entries}
        if refusal == "escaping-memory":
            name = draw(st.sampled_from(MEMORY_NAMES))
            entries = [e for e in entries if e["name"].casefold() != name.casefold()]
            memory["entries"] = [
                *entries,
                {"kind": "escape", "name": name, "form": draw(st.sampled_from(ESCAPES))},
            ]
        elif refusal == "escaping-memory-directory":
            # the memory directory itself leads outside, and holds a memory file there
            memory = {"escape": True, "name": draw(st.sampled_from(MEMORY_NAMES))}

    metrics: dict[str, Any] | None = None
    if refusal == "metrics-not-an-object":
        metrics = {"kind": "file", "content": draw(st.sampled_from(NOT_OBJECT_METRICS))}
    elif refusal == "metrics-not-json":
        metrics = {"kind": "file", "content": draw(st.sampled_from(NOT_JSON_METRICS))}
    elif refusal == "escaping-metrics":
        metrics = {"kind": "escape", "form": draw(st.sampled_from(ESCAPES))}
    elif draw(st.booleans()):
        metrics = draw(
            mostly(
                tuple({"kind": "file", "content": c} for c in OBJECT_METRICS),
                ({"kind": "link"},),
                5,
            )
        )
    checkout = draw(mostly(CHECKOUTS[:1], CHECKOUTS[1:], 5))
    return {
        "checkout": checkout,
        "agent": asked,
        "manifest": manifest,
        "prompt": prompt,
        "memory": memory,
        "metrics": metrics,
    }


def example_id(model: Mapping[str, Any]) -> str:
    """A stable id: bytes as hex, the rest as JSON."""

    def plain(value: Any) -> Any:
        if isinstance(value, bytes):
            return {"hex": value.hex()}
        if isinstance(value, Mapping):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return case_id_of(plain(model))


# --------------------------------------------------------------------------- the case of a model


def manifest_text(agents: list[dict[str, Any]]) -> bytes:
    """A plain manifest every YAML reader reads alike (section 1's example style)."""
    lines = ["version: 1", "agents:"]
    for agent in agents:
        lines.append(f"  - name: {agent['name']}")
        lines.append(f"    cadence: {agent['cadence']}")
        if "enabled" in agent:
            lines.append(f"    enabled: {'true' if agent['enabled'] else 'false'}")
    return ("\n".join(lines) + "\n").encode()


def escape_target(form: str, where: str, secret: str) -> str:
    if form == "absolute":
        return "{outside}/" + secret
    return "../" * CLIMB[where] + "outside/" + secret


def case_of(model: Mapping[str, Any]) -> CaseFiles:
    """The prepare case of a model: repo files, then what ``files:`` makes at materialisation."""
    owner, checkout = model["agent"], model["checkout"]
    case = CaseFiles(owner, checkout)
    at = f"repos/{checkout}/"
    agent_dir = f".kaizen/agents/{owner}"
    case.repo[".kaizen/schedule.yml"] = manifest_text(model["manifest"])
    case.repo["README.md"] = README
    outside: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []

    def escape(path: str, where: str, form: str, name: str) -> None:
        secret = f"secret-{where}-{len(outside)}{posixpath.splitext(name)[1] or '.md'}"
        outside.append({"path": f"outside/{secret}", "text": SECRET.format(where, len(outside))})
        links.append({"path": at + path, "symlink": escape_target(form, where, secret)})

    prompt = model["prompt"]
    prompt_path = f"{agent_dir}/prompt.md"
    if prompt["kind"] == "file":
        case.repo[prompt_path] = prompt["content"]
    elif prompt["kind"] == "link":
        links.append({"path": at + prompt_path, "symlink": INSIDE_FILE_FROM_PROMPT})
    elif prompt["kind"] == "directory":
        case.repo[f"{prompt_path}/inner.md"] = b"a directory named prompt.md\n"
    elif prompt["kind"] == "escape":
        escape(prompt_path, "prompt", prompt["form"], "prompt.md")

    memory = model["memory"]
    memory_dir = f"{agent_dir}/memory"
    if memory is not None and memory.get("escape"):
        # memory/ is a link to a directory outside that holds one memory file
        name = memory["name"]
        outside.append({"path": "outside/memory", "mkdir": True})
        outside.append({"path": f"outside/memory/{name}", "text": SECRET.format("memory", 0)})
        links.append({"path": at + memory_dir, "symlink": "{outside}/memory"})
    elif memory is not None:
        if not memory["entries"]:
            links.append({"path": at + memory_dir, "mkdir": True})
        for entry in memory["entries"]:
            path = f"{memory_dir}/{entry['name']}"
            if entry["kind"] == "file":
                case.repo[path] = entry["content"]
            elif entry["kind"] == "directory":
                case.repo[f"{path}/deep.md"] = b"not directly in memory/\n"
            elif entry["kind"] == "empty-dir":
                links.append({"path": at + path, "mkdir": True})
            elif entry["kind"] == "link-file":
                links.append({"path": at + path, "symlink": INSIDE_FILE_FROM_MEMORY})
            elif entry["kind"] == "link-dir":
                links.append({"path": at + path, "symlink": INSIDE_DIR_FROM_MEMORY})
            else:
                escape(path, "memory", entry["form"], entry["name"])

    metrics = model["metrics"]
    metrics_path = f".kaizen/metrics/{owner}.json"
    if metrics is not None:
        if metrics["kind"] == "file":
            case.repo[metrics_path] = metrics["content"]
        elif metrics["kind"] == "link":
            case.repo[".kaizen/metrics/shared.json"] = SHARED_METRICS
            links.append({"path": at + metrics_path, "symlink": INSIDE_FILE_FROM_METRICS})
        else:
            escape(metrics_path, "metrics", metrics["form"], "metrics.json")
    case.entries = outside + links
    return case
