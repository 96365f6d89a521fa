"""Prepare examples beyond the golden cases, drawn by Hypothesis, judged by an oracle of the
contract (section 4).

An example is one fixture repo and one agent prepared in it. It is drawn as a small model (the
agent, the manifest's agents, the prompt, the memory directory's entries, the metrics file), and
``case_of`` turns it into exactly what a prepare fixture case holds: the ``case.yml`` data
(``files:`` for what a wheel cannot carry: symlinks, empty directories, the files outside the
repo that escaping links lead to) and the ``repo/`` files as bytes. The judge materialises that
case as the golden suite does; a failing example is written out as that case.

The expected outcome is ``oracle``'s: the event (or the refusal) the contract defines, computed
from the case's files alone with its own small model of paths and links. It shares nothing with
the reference prepare. Only what the contract defines, the same on every machine, is drawn: one
reason at most to refuse, JSON that every parser reads alike, names that are valid UTF-8 in one
normal form, never two names that a case-insensitive file system would hold as one.

This module imports Hypothesis at its top: only ``--kaizen-explore`` imports it.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from kaizen_conformance.cases.explore import example_id as case_id_of
from kaizen_conformance.cases.explore import mostly
from kaizen_conformance.contract.json_data import strict_loads

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


@dataclass
class CaseFiles:
    """What a prepare case is made of: ``case.yml`` data and ``repo/`` files by relative path."""

    agent: str
    checkout: str
    entries: list[dict[str, Any]] = field(default_factory=list)  # case.yml files:
    repo: dict[str, bytes] = field(default_factory=dict)

    def case_data(self, description: str, expect: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"description": description}
        if self.checkout != "subject":
            data["checkout"] = self.checkout
        if self.entries:
            data["files"] = list(self.entries)
        data["agents"] = {self.agent: expect}
        return data


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


# --------------------------------------------------------------------------- the oracle


class Escapes(Exception):
    """A path resolves outside the repo; ``target`` is where it leads (from the workspace root)."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


@dataclass
class Tree:
    """The case's files as the contract sees them once materialised: files with their bytes,
    directories, and symlinks with their targets, by path from the workspace root."""

    checkout: str
    files: dict[str, bytes] = field(default_factory=dict)
    directories: set[str] = field(default_factory=set)
    links: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, case: CaseFiles) -> Tree:
        tree = cls(case.checkout)
        for path, content in case.repo.items():
            tree.add_file(f"repos/{case.checkout}/{path}", content)
        for entry in case.entries:
            if "text" in entry:
                tree.add_file(entry["path"], entry["text"].encode())
            elif "mkdir" in entry:
                tree.add_parents(entry["path"])
                tree.directories.add(entry["path"])
            else:
                tree.add_parents(entry["path"])
                tree.links[entry["path"]] = entry["symlink"]
        return tree

    @property
    def root(self) -> str:
        return f"repos/{self.checkout}"

    def add_parents(self, path: str) -> None:
        parts = path.split("/")
        for end in range(1, len(parts)):
            self.directories.add("/".join(parts[:end]))

    def add_file(self, path: str, content: bytes) -> None:
        self.add_parents(path)
        self.files[path] = content

    def resolve(self, relative: str) -> str:
        """The workspace path a repo-relative path leads to, every link followed (relative
        targets from the link's directory; ``{outside}`` is the workspace's outside/); Escapes
        when that is not inside the repo."""
        pending = relative.split("/")
        done = self.root.split("/")
        hops = 0
        while pending:
            part = pending.pop(0)
            if part in ("", "."):
                continue
            if part == "..":
                done = done[:-1]
                continue
            here = "/".join([*done, part])
            if here not in self.links:
                done.append(part)
                continue
            hops += 1
            if hops > 40:  # a loop of links resolves nowhere
                raise Escapes(here)
            target = self.links[here]
            if target.startswith("{outside}/"):
                done = ["outside"]
                target = target.removeprefix("{outside}/")
            pending = target.split("/") + pending
        final = "/".join(done)
        if not self.inside(final):
            raise Escapes(final)
        return final

    def inside(self, path: str) -> bool:
        return path == self.root or path.startswith(self.root + "/")

    def listing(self, directory: str) -> list[str]:
        """The names directly in a workspace directory."""
        names = {
            path[len(directory) + 1 :].split("/")[0]
            for path in (*self.files, *self.directories, *self.links)
            if path.startswith(directory + "/")
        }
        return sorted(names)


@dataclass
class Outcome:
    """What the contract says prepare does: the event's data, or a refusal under one rule."""

    data: dict[str, Any] | None = None
    rule: str | None = None  # PRE-004, PRE-008 or PRE-009
    names: str | None = None  # what the refusal's message must name
    never_read: tuple[str, ...] = ()
    reasons: list[str] = field(default_factory=list)  # every reason to refuse found

    @property
    def defined(self) -> bool:
        """One reason to refuse at most: the contract does not say which of two comes first."""
        return len(self.reasons) <= 1

    def expect(self) -> Any:
        """As the case's ``agents:`` holds it."""
        if self.rule is None:
            return "event"
        expect: dict[str, Any] = {"error": self.rule}
        if self.names:
            expect["names"] = self.names
        if self.never_read:
            expect["never_read"] = list(self.never_read)
        return expect


def record(path: str, content: bytes) -> dict[str, Any]:
    return {"path": path, "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}


def manifest_agents(content: bytes) -> dict[str, dict[str, Any]]:
    """The agents of a manifest ``manifest_text`` wrote (plain YAML: read back line by line)."""
    agents: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] = {}
    for line in content.decode().splitlines():
        key, _, value = line.strip().removeprefix("- ").partition(": ")
        if line.startswith("  - "):
            current = {}
        if key == "name":
            agents[value] = current
        if key in ("cadence", "enabled"):
            current[key] = value if key == "cadence" else value == "true"
    return agents


def oracle(case: CaseFiles) -> Outcome:
    """The contract's outcome for the case's agent, from the case's files alone (section 4)."""
    tree = Tree.of(case)
    agent = case.agent
    outcome = Outcome()

    def refuse(rule: str, names: str | None, reason: str, never_read: str | None = None) -> None:
        outcome.reasons.append(reason)
        if outcome.rule is None:
            outcome.rule, outcome.names = rule, names
            outcome.never_read = (never_read,) if never_read else ()

    manifest = manifest_agents(tree.files[f"{tree.root}/.kaizen/schedule.yml"])
    entry = manifest.get(agent)
    if entry is None or entry.get("enabled") is False:
        refuse("PRE-008", None, f"agent {agent} is not in the manifest or is disabled")
        entry = {"cadence": "weekly"}
    base = f".kaizen/agents/{agent}"

    prompt_record: dict[str, Any] | None = None
    prompt = f"{base}/prompt.md"
    try:
        real = tree.resolve(prompt)
        if real in tree.files:
            prompt_record = record(prompt, tree.files[real])
        else:
            refuse("PRE-009", "prompt.md", f"{prompt} is missing or not a regular file")
    except Escapes as escape:
        refuse("PRE-004", None, f"{prompt} leaves the repo", escape.target)

    memory: list[dict[str, Any]] = []
    directory = f"{base}/memory"
    try:
        real_directory = tree.resolve(directory)
        names = tree.listing(real_directory) if real_directory in tree.directories else []
        # sorted by path in code-point order: Python compares str by code point
        for name in sorted(n for n in names if n.endswith(".md")):
            path = f"{directory}/{name}"
            try:
                real = tree.resolve(path)
            except Escapes as escape:
                refuse("PRE-004", None, f"{path} leaves the repo", escape.target)
                continue
            if real in tree.files:  # a regular file (directories are not memory)
                memory.append(record(path, tree.files[real]))
    except Escapes as escape:
        # a memory file read through it would be read outside: refused, when there is one
        held = [n for n in tree.listing(escape.target) if n.endswith(".md")]
        if held:
            where = f"{escape.target}/{held[0]}"
            refuse("PRE-004", None, f"{directory} leaves the repo", where)

    metrics: dict[str, Any] | None = None
    path = f".kaizen/metrics/{agent}.json"
    lexical = f"{tree.root}/{path}"
    if lexical in tree.files or lexical in tree.links:
        try:
            real = tree.resolve(path)
            content = tree.files[real]
            values = metrics_values(content)
            if values is None:
                refuse("PRE-009", f"{agent}.json", f"{path} is not a JSON object")
            else:
                metrics = {**record(path, content), "values": values}
        except Escapes as escape:
            refuse("PRE-004", None, f"{path} leaves the repo", escape.target)

    if outcome.rule is None:
        outcome.data = {
            "agent": agent,
            "cadence": entry["cadence"],
            "repo": {"root": "<repo>", "head": None},
            "prompt": prompt_record,
            "memory": memory,
            "metrics": metrics,
        }
    return outcome


def metrics_values(content: bytes) -> dict[str, Any] | None:
    """The JSON object a metrics file holds (UTF-8, RFC 8259: no NaN or Infinity), or None."""
    try:
        values = strict_loads(content.decode("utf-8"), unique=True)
    except (UnicodeDecodeError, ValueError):
        return None
    return values if isinstance(values, dict) else None


def golden_of(agent: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The golden an event case holds: the fixed envelope and ``data``, normalised as PRE-002
    compares (``cases.goldens.normalise``)."""
    from kaizen_conformance.cases.goldens import ID, TIME, integral_floats_as_int

    payload: dict[str, Any] = integral_floats_as_int(
        {
            "specversion": "1.0",
            "type": "kaizen.schedule.prepared",
            "subject": agent,
            "datacontenttype": "application/json",
            "id": ID,
            "time": TIME,
            "data": json.loads(json.dumps(data)),
        }
    )
    return payload
