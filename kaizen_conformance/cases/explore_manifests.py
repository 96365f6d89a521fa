"""Manifests drawn from a grammar of the format (contract section 1), for exploration.

The corpus (``fixtures/manifests/``) is a list: every manifest someone thought of. This module
draws ``.kaizen/schedule.yml`` texts the corpus does not hold: a valid manifest of one to four
agents (names, cadences, ``enabled`` and descriptions drawn from small pools that shrink toward
the ordinary, unicode and block scalars included), written in block or flow style, with keys in
any order, quoting styles, comments, a document marker or an anchor reused; and, half of the
time, the same manifest broken by one mutation (a required key dropped, a key left empty, a value
of the wrong type or outside its pattern, an unknown key, two agents of one name, a key written twice, a
document that is not a mapping).

A manifest's verdict is never what the mutation meant it to be, nor what a reference reader
says: it is the contract's own judge (``contract/manifest_judge.py``) on the very text. Where
the verdict depends on the YAML reader (contract section 7: ``yes``, ``on``, ``1.0``, syntax one
parser accepts and another refuses) the manifest has no verdict to hold anyone to, and is not
drawn: the grammar quotes such words, and a text the judge still finds parser-dependent is
filtered out.

This module imports Hypothesis at its top: only ``--kaizen-explore`` imports it.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from kaizen_conformance.cases.corpus import ManifestEntry
from kaizen_conformance.cases.explore import mostly
from kaizen_conformance.contract import manifest_judge

# Every pool is ordered simplest first: Hypothesis shrinks a choice toward its first entry, so a
# shrunk manifest reads as the ordinary one with the one odd thing that matters.
NAMES = (
    "coach",
    "scout",
    "docs-bot",
    "a",
    "optimizer-2",
    "coach-",  # the pattern allows a trailing dash
    "x--y",
    "n0",
    "on",  # a YAML 1.1 boolean when plain: always written quoted
    "null",  # null in every YAML when plain: always written quoted
    "a" + "b" * 62,  # the longest name the pattern allows
)
BAD_NAMES: tuple[Any, ...] = (
    "Coach",
    "1coach",
    "coach_bot",
    "coach bot",
    "",
    "-coach",
    "coach\n",
    "café",
    "a" + "b" * 63,
    "a" + "b" * 61 + "\U0001f600",  # 63 code points, but one beyond the pattern's letters
    7,
    None,
    True,
    ["coach"],
)
CADENCES = ("weekly", "daily", "monthly")
BAD_CADENCES: tuple[Any, ...] = ("Weekly", "hourly", "weekly ", "", 7, None, ["weekly"])
ENABLED = ("absent", True, False)
BAD_ENABLED: tuple[Any, ...] = ("true", "false", "yes", 0, 1, None)
DESCRIPTIONS = (
    "absent",
    "Keeps the docs fresh.",
    "",
    "Größer ist nicht besser.",
    "fix #12, then ship",
    "see issue#12",  # a "#" inside a plain scalar is no comment
    "key: value inside",
    "日本語の説明",
    "🚀 ship it",
    "two lines\nof text\n",
    "Cafe\u0301 (decomposed)",
    "'quoted' and \"double\"",
    "yes",  # a YAML 1.1 boolean when plain: always written quoted
    "é" * 500,  # the longest a description may be, in characters, not bytes
    # in code points, not UTF-16 code units: 1000 and 501 of them (JavaScript's .length)
    "\U0001f600" * 500,
    "a" * 499 + "\U0001f680",
)
BAD_DESCRIPTIONS: tuple[Any, ...] = (
    7,
    True,
    None,
    ["a", "b"],
    {"text": "x"},
    "é" * 501,
    "\U0001f600" * 501,  # one code point too many, each beyond U+FFFF
)
BAD_VERSIONS: tuple[Any, ...] = ("1", 2, 0, True, None, -1, [1])
BAD_AGENT_LISTS: tuple[Any, ...] = ([], None, "coach", {"name": "coach", "cadence": "weekly"})
BAD_AGENT_ENTRIES: tuple[Any, ...] = ("coach", None, 7, ("name", "coach"))
UNKNOWN_KEYS = ("owner", "Version", "schedule", "enabled", "name")
NOT_A_MAPPING = (
    "- name: coach\n  cadence: weekly\n",
    "coach\n",
    "",
    "# nothing but a comment\n",
    "version: 1\nagents:\n  - name: coach\n    cadence: weekly\n---\nversion: 1\n",
    "[version, 1]\n",
)
# Scalar styles: how a string is written (a block scalar only where block style allows it).
STYLES = ("plain", "double", "single", "literal", "folded")
NULLS = ("null", "~", "")
# Plain words that some YAML reads as something else than text, in any case.
YAML_WORDS = {
    "y",
    "n",
    "yes",
    "no",
    "on",
    "off",
    "true",
    "false",
    "null",
    "~",
}
COMMENTS = ("none", "header", "trailing", "between")
MUTATIONS = (
    "drop-key",
    "empty-value",
    "bad-name",
    "bad-cadence",
    "bad-enabled",
    "bad-description",
    "unknown-agent-key",
    "duplicate-name",
    "bad-version",
    "unknown-top-key",
    "bad-agents",
    "bad-agent-entry",
    "duplicate-key",
    "not-a-mapping",
)


@dataclass(frozen=True)
class Scalar:
    """A string and the style it is written in."""

    text: str
    style: str


Pairs = list[tuple[str, Any]]  # a mapping as written: in order, a key possibly twice


@dataclass(frozen=True)
class Drawn:
    """A manifest text and the contract's verdict on it: ``valid``, and the SCH rule that makes
    it invalid (SCH-001 for the schema and the format, SCH-002 for agent names that repeat,
    SCH-005 for a key written twice; SCH-001 when valid, as the corpus labels them)."""

    text: str
    valid: bool
    rule: str

    def as_data(self) -> dict[str, Any]:
        return {"manifest": self.text, "valid": self.valid, "rule": self.rule}


# --------------------------------------------------------------------------- the verdict


def verdict(text: str) -> tuple[bool, str] | None:
    """(valid, rule) as the contract's judge says of ``text``; None when it depends on the reader.

    Valid means valid to every reader the contract allows (the judge's portable reading).
    Invalid means invalid to the judge's reading and to every other: no plain scalar reads
    differently under YAML 1.1 and 1.2, and PyYAML's pure-Python parser says invalid too.
    """
    data = text.encode("utf-8")
    if manifest_judge.check_bytes(data, portable=True).valid:
        return True, "SCH-001"
    judged = manifest_judge.check_bytes(data)
    if judged.valid or manifest_judge.reading_depends_on_parser(text):
        return None
    if "appears twice in one mapping" in judged.reason:
        return False, "SCH-005"
    if judged.reason.startswith("agent names repeat"):
        return False, "SCH-002"
    return False, "SCH-001"


# --------------------------------------------------------------------------- writing YAML


def plain_safe(text: str) -> bool:
    """Whether ``text`` written plain reads back as the same string under every YAML reader: a
    letter first, letters, digits, spaces and a few marks after (a ``#`` only where it cannot
    start a comment), and not a word some YAML reads as a boolean or null."""
    return (
        bool(text)
        and text[0].isalpha()
        and text[-1] != " "
        and all(
            c.isalnum() or c in " .-'()" or (c == "#" and text[i - 1] != " ")
            for i, c in enumerate(text)
        )
        and text.lower() not in YAML_WORDS
    )


def scalar(value: Any, flow: bool, indent: int, null: str) -> str:
    """One value written inline (or as a block scalar's header and lines)."""
    if isinstance(value, Scalar):
        return string(value, flow, indent)
    if isinstance(value, str):
        return string(Scalar(value, "plain"), flow, indent)
    if value is None:
        return null or ("null" if flow else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a list or mapping: flow style fits anywhere


def string(value: Scalar, flow: bool, indent: int) -> str:
    """A string in its style, where the style can write it; double-quoted (JSON) otherwise."""
    text, style = value.text, value.style
    if style == "plain" and plain_safe(text):
        return text
    if style == "single" and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    lines = text.removesuffix("\n").split("\n")
    block = not flow and all(line and line == line.strip() for line in lines)
    if block and (style == "literal" or (style == "folded" and len(lines) == 1)):
        header = ("|" if style == "literal" else ">") + ("" if text.endswith("\n") else "-")
        return header + "".join("\n" + " " * (indent + 2) + line for line in lines)
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class Layout:
    """How a manifest is written: block or flow, comments, a document marker, a null's spelling,
    an anchor reused, line endings."""

    flow: bool
    comments: str
    marker: bool
    null: str
    anchor: bool  # each cadence anchored where first written, and reused by alias after
    crlf: bool


def is_pairs(value: Any) -> bool:
    """An agent as drawn (a list of key-value pairs), not a list value."""
    return isinstance(value, list) and all(
        isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str) for pair in value
    )


def render(top: Pairs, layout: Layout) -> str:
    """The text of a manifest: ``top``'s pairs written as ``layout`` says."""
    lines: list[str] = []
    if layout.comments == "header":
        lines.append("# the agents that improve this repository")
    if layout.marker:
        lines.append("---")
    if layout.flow:
        lines.append(flow_mapping(top, layout))
    else:
        anchored: dict[str, str] = {}
        for key, value in top:
            if key == "agents" and isinstance(value, list) and value:
                lines.append("agents:")
                for number, agent in enumerate(value):
                    if number and layout.comments == "between":
                        lines.append("  # the next agent")
                    lines.extend(block_agent(agent, layout, anchored))
                continue
            written = scalar(value, False, 0, layout.null)
            comment = (
                "  # the format's version"
                if layout.comments == "trailing" and "\n" not in written
                else ""
            )
            lines.append(f"{key}: {written}".rstrip() + comment)
    text = "\n".join(lines) + "\n"
    return text.replace("\n", "\r\n") if layout.crlf else text


def block_agent(agent: Any, layout: Layout, anchored: dict[str, str]) -> list[str]:
    """One agent as a block sequence entry (an entry that is not a mapping, inline)."""
    if not is_pairs(agent) or not agent:
        return [f"  - {scalar(agent, False, 4, layout.null) or '{}'}".rstrip()]
    lines = []
    for number, (key, value) in enumerate(agent):
        lead = "  - " if number == 0 else "    "
        written = scalar(value, False, 4, layout.null)
        if layout.anchor and key == "cadence" and isinstance(value, Scalar):
            if value.text in anchored:
                written = "*" + anchored[value.text]
            else:
                anchored[value.text] = f"c{len(anchored)}"
                written = f"&{anchored[value.text]} {written}"
        comment = ""
        if layout.comments == "trailing" and key == "cadence" and "\n" not in written:
            comment = "  # how often it runs"
        lines.append(f"{lead}{key}: {written}".rstrip() + comment)
    return lines


def flow_mapping(pairs: Pairs, layout: Layout) -> str:
    return "{" + ", ".join(f"{key}: {flow_value(value, layout)}" for key, value in pairs) + "}"


def flow_value(value: Any, layout: Layout) -> str:
    if is_pairs(value) and value:
        return flow_mapping(value, layout)
    if isinstance(value, list):
        return "[" + ", ".join(flow_value(v, layout) for v in value) + "]"
    return scalar(value, True, 0, layout.null or "null")


# --------------------------------------------------------------------------- drawing


@st.composite
def strings(draw: st.DrawFn, pool: tuple[Any, ...]) -> Any:
    """A value of ``pool``, a string written in a drawn style."""
    value = draw(st.sampled_from(pool))
    if isinstance(value, str):
        return Scalar(value, draw(mostly(STYLES[:1], STYLES[1:], 1)))
    return value


@st.composite
def agent(draw: st.DrawFn, name: str) -> Pairs:
    pairs: Pairs = [
        ("name", Scalar(name, draw(mostly(STYLES[:1], STYLES[1:3], 3)))),
        ("cadence", draw(strings(CADENCES))),
    ]
    enabled = draw(mostly(ENABLED[:1], ENABLED[1:], 1))
    if enabled != "absent":
        pairs.append(("enabled", enabled))
    description = draw(mostly(DESCRIPTIONS[:1], DESCRIPTIONS[1:], 1))
    if description != "absent":
        pairs.append(("description", Scalar(description, draw(st.sampled_from(STYLES)))))
    return draw(st.permutations(pairs)) if draw(st.integers(0, 3)) == 3 else pairs


@st.composite
def valid_manifests(draw: st.DrawFn) -> Pairs:
    """Version 1 and one to four agents of distinct names: valid as drawn (the judge decides)."""
    names = draw(st.lists(mostly(NAMES[:2], NAMES[2:], 1), min_size=1, max_size=4, unique=True))
    agents = [draw(agent(name)) for name in names]
    top: Pairs = [("version", 1), ("agents", agents)]
    return top[::-1] if draw(st.integers(0, 4)) == 4 else top


def replace(pairs: Pairs, key: str, value: Any) -> Pairs:
    """``pairs`` with ``key``'s value changed (or the key added last)."""
    if any(k == key for k, _ in pairs):
        return [(k, value if k == key else v) for k, v in pairs]
    return [*pairs, (key, value)]


@st.composite
def mutated(draw: st.DrawFn, top: Pairs) -> Pairs | str:
    """``top`` broken by one mutation, or a text that is no mapping at all."""
    mutation = draw(st.sampled_from(MUTATIONS))
    agents: list[Pairs] = [list(a) for a in dict(top)["agents"]]
    at = draw(st.integers(0, len(agents) - 1))

    def with_agents(changed: list[Any]) -> Pairs:
        return [(k, changed if k == "agents" else v) for k, v in top]

    def change_agent(change: Callable[[Pairs], Pairs]) -> Pairs:
        return with_agents([change(a) if n == at else a for n, a in enumerate(agents)])

    if mutation == "drop-key":
        key = draw(st.sampled_from(("name", "cadence", "version", "agents")))
        if key in ("version", "agents"):
            return [(k, v) for k, v in top if k != key]
        return change_agent(lambda a: [(k, v) for k, v in a if k != key])
    if mutation == "empty-value":  # a key written with nothing after it: null, not absent
        key = draw(st.sampled_from(("enabled", "description", "name", "cadence")))
        return change_agent(lambda a: replace(a, key, None))
    if mutation.startswith("bad-") and mutation.removeprefix("bad-") in AGENT_POOLS:
        key = mutation.removeprefix("bad-")
        value = draw(strings(AGENT_POOLS[key]))
        return change_agent(lambda a: replace(a, key, value))
    if mutation == "unknown-agent-key":
        key = draw(st.sampled_from(("owner", "schedule", "Name", "cadance")))
        return change_agent(lambda a: [*a, (key, Scalar("x", "plain"))])
    if mutation == "duplicate-name":
        # another agent's name, anywhere in the list (or a copy of the agent, last)
        other = draw(st.integers(0, len(agents)))
        name = dict(agents[at])["name"]
        if other >= len(agents) or other == at:
            return with_agents([*agents, [("name", name), ("cadence", Scalar("daily", "plain"))]])
        return with_agents(
            [replace(a, "name", name) if n == other else a for n, a in enumerate(agents)]
        )
    if mutation == "bad-version":
        return replace(top, "version", draw(strings(BAD_VERSIONS)))
    if mutation == "unknown-top-key":
        return [*top, (draw(st.sampled_from(UNKNOWN_KEYS)), Scalar("x", "plain"))]
    if mutation == "bad-agents":
        return replace(top, "agents", draw(strings(BAD_AGENT_LISTS)))
    if mutation == "bad-agent-entry":
        entry = draw(strings(BAD_AGENT_ENTRIES))
        return with_agents([entry if n == at else a for n, a in enumerate(agents)])
    if mutation == "duplicate-key":
        if draw(st.booleans()):
            return [*top, top[0]]
        return change_agent(lambda a: [*a, a[draw(st.integers(0, len(a) - 1))]])
    return str(draw(st.sampled_from(NOT_A_MAPPING)))


AGENT_POOLS: dict[str, tuple[Any, ...]] = {
    "name": BAD_NAMES,
    "cadence": BAD_CADENCES,
    "enabled": BAD_ENABLED,
    "description": BAD_DESCRIPTIONS,
}


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    return Layout(
        flow=draw(st.integers(0, 4)) == 4,
        comments=draw(mostly(COMMENTS[:1], COMMENTS[1:], 1)),
        marker=draw(st.integers(0, 4)) == 4,
        null=draw(st.sampled_from(NULLS)),
        anchor=draw(st.integers(0, 5)) == 5,
        crlf=draw(st.integers(0, 9)) == 9,
    )


@st.composite
def drawn_manifests(draw: st.DrawFn, mutate: bool | None) -> Drawn | None:
    top = draw(valid_manifests())
    written: Pairs | str = top
    if mutate or (mutate is None and draw(st.integers(0, 1)) == 1):
        written = draw(mutated(top))
    text = written if isinstance(written, str) else render(written, draw(layouts()))
    judged = verdict(text)
    return None if judged is None else Drawn(text, *judged)


def manifests(mutate: bool | None = None) -> st.SearchStrategy[Drawn]:
    """Manifests with a definite verdict: valid ones as drawn (``mutate=False``), each broken
    by one mutation (``True``; most of them invalid), or half and half (``None``). Small: one
    to four agents, a few lines each."""
    drawn: st.SearchStrategy[Any] = drawn_manifests(mutate).filter(lambda d: d is not None)
    return drawn


# --------------------------------------------------------------------------- corpus entries

EXPLORED = "explored"  # where a written entry's manifest goes, under fixtures/manifests/


def corpus_entry(
    drawn: Drawn, case_id: str, description: str, where: Path
) -> tuple[ManifestEntry, dict[str, Any], dict[str, bytes]]:
    """The manifest as an entry of the corpus (``fixtures/manifests/corpus.yml``), which is
    where validate's and list's golden cases come from: the entry, its ``corpus.yml`` data, and
    its manifest file by path relative to ``fixtures/manifests/``. The manifest is written under
    ``where`` so that the entry can be placed in a checkout as a golden case is."""
    relative = f"{EXPLORED}/{case_id}.yml"
    content = drawn.text.encode("utf-8")
    (where / EXPLORED).mkdir(parents=True, exist_ok=True)
    (where / relative).write_bytes(content)
    data: dict[str, Any] = {
        "id": case_id,
        "description": description,
        "valid": drawn.valid,
        "rules": [drawn.rule],
        "file": relative,
    }
    entry = ManifestEntry(
        id=case_id,
        source=where / "corpus.yml",
        description=description,
        valid=drawn.valid,
        parser_dependent=False,
        rules=(drawn.rule,),
        hostile=False,
        file=relative,
        generate=None,
        template=False,
        files=[],
    )
    return entry, data, {relative: content}


def write_entry(
    out: Path, role: str, case_id: str, data: dict[str, Any], files: dict[str, bytes]
) -> Path:
    """``out/<role>/<id>/corpus.yml`` (a corpus of this one entry, to append to
    ``fixtures/manifests/corpus.yml``) and its manifest under ``explored/``, by the path the
    entry names relative to ``fixtures/manifests/``."""
    import yaml

    here = out / role / case_id
    here.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump([data], sort_keys=False, allow_unicode=True, width=100)
    (here / "corpus.yml").write_text(text, encoding="utf-8")
    for relative, content in files.items():
        (here / relative).parent.mkdir(parents=True, exist_ok=True)
        (here / relative).write_bytes(content)
    return here
