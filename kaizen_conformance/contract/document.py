"""docs/CONTRACT.md, generated from the contract's data so the two can never drift apart.

The prose of each section is ``spec/*.md``; placeholders in it bring in the data: the rule
tables of the catalogue (``{{rules:RES}}``), with the fixture cases that check each rule when
the caller gives them; the decision table (``{{decision-table}}``); the examples
(``{{example:manifest.yml}}``, each one validated by the kit's tests); and the schema list.
Regenerate with ``kaizen-conformance rules --markdown > docs/CONTRACT.md``; the kit's own
tests fail when the committed file differs from what the data generates.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import groupby

from kaizen_conformance import CONTRACT_VERSION
from kaizen_conformance.contract.catalogue import (
    CONTRACT_DIR,
    Rule,
    catalogue,
    schema,
    schema_names,
)
from kaizen_conformance.contract.decisions import table

SPEC_DIR = CONTRACT_DIR / "spec"
EXAMPLES_DIR = CONTRACT_DIR / "examples"
PLACEHOLDER = re.compile(r"\{\{([a-z-]+)(?::([A-Za-z0-9._-]+))?\}\}")
FENCE = {".yml": "yaml", ".json": "json"}
CASES_SHOWN = 12  # per rule; the rest are counted


def rule_anchor(rule: Rule) -> str:
    return rule.id.lower()


def rules_table(rules: Sequence[Rule], cases: Mapping[str, Sequence[str]] | None) -> str:
    lines = [
        f"**Rules** (role `{rules[0].role}`):",
        "",
        "| id | level | profiles | rule |",
        "|---|---|---|---|",
    ]
    lines += [
        f'| <a id="{rule_anchor(r)}"></a>{r.id} | {r.level} | {", ".join(r.profiles)} | {r.text} |'
        for r in rules
    ]
    if cases is not None:
        lines += [
            "",
            "Cases that check them (`fixtures/<role>/<case>/`, or an entry of the manifest corpus):",
            "",
        ]
        for rule in rules:
            ids = sorted(cases.get(rule.id, ()))
            shown = ", ".join(f"`{case}`" for case in ids[:CASES_SHOWN])
            more = f" and {len(ids) - CASES_SHOWN} more" if len(ids) > CASES_SHOWN else ""
            lines.append(f"- {rule.id}: {shown}{more}" if ids else f"- {rule.id}: none")
    return "\n".join(lines)


def decision_table_markdown() -> str:
    decision = table()
    columns = [name for name in decision.facts]
    lines = [
        "| row | "
        + " | ".join(c.replace("_", " ") for c in columns)
        + " | v1 | v2 | rules | because |",
        "|---|" + "---|" * len(columns) + "---|---|---|---|",
    ]
    for row in decision.rows:
        cells = [
            " or ".join(f"`{v}`" for v in row.when[c]) if c in row.when else "any" for c in columns
        ]
        outcome = {p: (row.outcome if p in row.profiles else "—") for p in ("v1", "v2")}
        lines.append(
            f"| {row.number} | {' | '.join(cells)} | {outcome['v1']} | {outcome['v2']} | "
            f"{', '.join(row.rules)} | {row.because} |"
        )
    lines += [
        "",
        "A dash: the row does not apply under that profile, and a later row decides. The facts:",
        "",
    ]
    for fact, values in decision.facts.items():
        lines.append(
            f"- `{fact}`: "
            + "; ".join(f"`{value}` — {meaning}" for value, meaning in values.items())
        )
    lines += ["", *(f"- {note}" for note in decision.notes)]
    return "\n".join(lines)


def example(name: str) -> str:
    path = EXAMPLES_DIR / name
    return f"```{FENCE.get(path.suffix, '')}\n{path.read_text(encoding='utf-8').rstrip()}\n```"


def schema_list() -> str:
    return "\n".join(
        f"- `{name}.schema.json`: {schema(name).get('title', '')}" for name in schema_names()
    )


def markdown(cases: Mapping[str, Sequence[str]] | None = None) -> str:
    """The whole document; ``cases`` maps a rule id to the ids of the cases that check it."""
    sections = {
        rules[0].id.split("-")[0]: rules
        for _, grouped in groupby(catalogue().values(), key=lambda r: r.section)
        for rules in [list(grouped)]
    }
    placed: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        name, argument = match.group(1), match.group(2)
        if name == "version":
            return CONTRACT_VERSION
        if name == "example" and argument:
            return example(argument)
        if name == "decision-table":
            return decision_table_markdown()
        if name == "schemas":
            return schema_list()
        if name == "rules" and argument in sections:
            placed.add(argument)
            return rules_table(sections[argument], cases)
        raise ValueError(f"unknown placeholder {match.group(0)} in the contract's prose")

    parts = [
        PLACEHOLDER.sub(fill, path.read_text(encoding="utf-8")).rstrip()
        for path in sorted(SPEC_DIR.glob("*.md"))
    ]
    missing = sorted(set(sections) - placed)
    if missing:
        raise ValueError(f"the prose in {SPEC_DIR} places no rule table for {', '.join(missing)}")
    return "\n\n".join(parts) + "\n"
