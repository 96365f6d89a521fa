"""What a hub case seeds that matters: the values a hub is most likely to choke on.

A failing hub case says which of its records carry an edge of the contract (a leap second,
an offset other than UTC, a repo never flagged...) and which section makes each valid, so a
hub that cannot store one sees at once that the value is the contract's, not the kit's
mistake. A seed that fails on one of them is named by the value it failed on.

The edges are data: each is the field it looks at, a pattern on the field's JSON text (or a
named shape), what it is, and where the contract allows it.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kaizen_conformance.cases.hub import FLAG, STAMP

TIMESTAMPS = "contract 7.7"
RECORD = "contract 2"

# (field, pattern on the value's JSON text, what it is, the section that makes it valid)
EDGES: tuple[tuple[str, str, str, str], ...] = (
    (STAMP, r'^"\d{4}-\d\d-\d\d[Tt]23:59:60', "a leap second", TIMESTAMPS),
    (STAMP, r"\.\d{7,}", "a fraction finer than a microsecond", TIMESTAMPS),
    (STAMP, r'^"[^"]*(t|z")', "a lower-case t or z", TIMESTAMPS),
    (STAMP, r'-00:00"$', "the -00:00 offset", TIMESTAMPS),
    (STAMP, r'[+-](?!00:00)\d\d:\d\d"$', "an offset other than UTC", TIMESTAMPS),
    (STAMP, r"^null$", "flagged, with a null timestamp", RECORD),
    (FLAG, r"^<absent>$", "never flagged (no flag fields: reported false / null)", RECORD),
    ("host_paths", r"^\{\}$", "no host paths ({})", RECORD),
    ("slug", r"[^\x00-\x7f]", "a slug beyond ASCII", RECORD),
    ("domain", r"[^\x00-\x7f]", "a domain beyond ASCII", RECORD),
)
MAX_SHOWN = 3  # records named per edge


@dataclass(frozen=True)
class SeededEdge:
    """One record of a case carrying one edge of the contract."""

    slug: str
    field: str
    value: Any  # the seeded value; None for an absent field
    what: str
    section: str

    @property
    def value_text(self) -> str:
        return "(absent)" if self.field == FLAG and self.value is None else json.dumps(self.value)


def seeded_edges(records: Iterable[dict[str, Any]], profile: str = "v2") -> list[SeededEdge]:
    """Every edge each record carries, in the order of EDGES, then of the records. A v1 hub is
    seeded without flag fields (decision 25), so no flag edge is one of its case's."""
    found = []
    records = list(records)
    for name, pattern, what, section in EDGES:
        if profile == "v1" and name in (FLAG, STAMP):
            continue
        compiled = re.compile(pattern)
        for record in records:
            present = name in record
            text = json.dumps(record[name], ensure_ascii=False) if present else "<absent>"
            if compiled.search(text):
                found.append(
                    SeededEdge(str(record.get("slug")), name, record.get(name), what, section)
                )
    return found


def edges_text(edges: Sequence[SeededEdge]) -> str:
    """The edges as lines, grouped by what they are: a few records named each."""
    groups: dict[tuple[str, str], list[SeededEdge]] = {}
    for edge in edges:
        groups.setdefault((edge.what, edge.section), []).append(edge)
    lines = []
    for (what, section), members in groups.items():
        shown = ", ".join(
            edge.slug if edge.field == FLAG else f"{edge.slug} {edge.field} {edge.value_text}"
            for edge in members[:MAX_SHOWN]
        )
        more = f" (+{len(members) - MAX_SHOWN} more)" if len(members) > MAX_SHOWN else ""
        lines.append(f"  - {what} (valid: {section}): {shown}{more}")
    return "\n".join(lines)


def named_in(edges: Sequence[SeededEdge], text: str) -> list[SeededEdge]:
    """The edges whose seeded value the text quotes (an exception's message, a command's stderr)."""
    return [
        edge
        for edge in edges
        if isinstance(edge.value, str) and len(edge.value) > 3 and edge.value in text
    ]
