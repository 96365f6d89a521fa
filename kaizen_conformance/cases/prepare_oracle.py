"""The outcome section 4 defines for a prepare case, computed from the case's files alone.

The oracle of prepare's exploration (``cases/explore_prepare.py`` draws the cases): the event
data or the refusal, with its own small model of paths and links (``Tree``). It shares nothing
with the reference prepare, so the two cannot share a mistake; it needs no Hypothesis, so its
agreement with every golden it can model is tested on its own (tests/test_explore_prepare.py).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kaizen_conformance.contract.json_data import strict_loads


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
