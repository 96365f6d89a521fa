"""The resolver's decision table (``decision-table.yml``) as data the kit can ask.

One source for three readers: docs/CONTRACT.md renders the table, the kit's tests hold every
resolver case's expected outcome to it, and a failure can name the row (and so the rule)
that decides a wrongly included or excluded repo.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from kaizen_conformance.contract.catalogue import CONTRACT_DIR

FACTS = ("record", "host_path", "flag", "manifest")


@dataclass(frozen=True)
class Row:
    """One row: when these facts hold, under these profiles, the record has this outcome."""

    number: int
    when: Mapping[str, tuple[str, ...]]
    profiles: tuple[str, ...]
    outcome: str  # included, excluded, skipped or either
    rules: tuple[str, ...]
    because: str

    def matches(self, facts: Mapping[str, str], profile: str) -> bool:
        return profile in self.profiles and all(
            facts.get(name) in values for name, values in self.when.items()
        )


@dataclass(frozen=True)
class Table:
    facts: Mapping[str, Mapping[str, str]]  # fact -> value -> what it means
    rows: tuple[Row, ...]
    notes: tuple[str, ...]

    def decide(self, facts: Mapping[str, str], profile: str) -> Row:
        """The row that decides a record with ``facts`` under ``profile``."""
        unknown = {k: v for k, v in facts.items() if v not in self.facts.get(k, {})}
        if unknown:
            raise ValueError(f"facts the table does not know: {unknown}")
        for row in self.rows:
            if row.matches(facts, profile):
                return row
        raise LookupError(f"no row of the decision table decides {dict(facts)} under {profile}")


@cache
def table() -> Table:
    import yaml  # here, not at import: pytest loads the contract for every project's runs

    data: Any = yaml.safe_load((CONTRACT_DIR / "decision-table.yml").read_text(encoding="utf-8"))
    rows = tuple(
        Row(
            number=number,
            when={
                name: tuple(str(v) for v in (value if isinstance(value, list) else [value]))
                for name, value in row["when"].items()
            },
            profiles=tuple(row["profiles"]),
            outcome=row["outcome"],
            rules=tuple(row["rules"]),
            because=row["because"],
        )
        for number, row in enumerate(data["rows"], start=1)
    )
    facts = {name: {str(k): v for k, v in values.items()} for name, values in data["facts"].items()}
    return Table(facts, rows, tuple(data.get("notes", ())))
