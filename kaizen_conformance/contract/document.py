"""docs/CONTRACT.md, generated from the rule catalogue so the two can never drift apart.

Regenerate with ``kaizen-conformance rules --markdown > docs/CONTRACT.md``; the kit's own
tests fail when the committed file differs from what the catalogue generates.
"""

from __future__ import annotations

from itertools import groupby

from kaizen_conformance import CONTRACT_VERSION, contract

INTRO = """\
# The kaizen scheduling contract, v{version}

Generated from the rule catalogue (`kaizen_conformance/contract/rules/*.yml`); do not edit by
hand: run `kaizen-conformance rules --markdown > docs/CONTRACT.md`.

Rule ids are stable: users key skip lists and expectations on them. **MUST** rules decide
conformance; **SHOULD** rules are reported but fail a run only with `--kaizen-strict`.
Profiles: **v1** (no hub flag: the repo file decides) and **v2** (hub flag fields and filter;
the flag is a pre-filter, the file is the decision).

Machine-readable schemas shipped with the kit (`kaizen_conformance/contract/schemas/`):
{schemas}
"""


def markdown() -> str:
    schemas = "\n".join(
        f"- `{name}.schema.json`: {contract.schema(name).get('title', '')}"
        for name in contract.schema_names()
    )
    parts = [INTRO.format(version=CONTRACT_VERSION, schemas=schemas)]
    for section, grouped in groupby(contract.catalogue().values(), key=lambda r: r.section):
        rules = list(grouped)
        parts.append(
            f"\n## {section}\n\nRole: `{rules[0].role}`.\n\n| id | level | profiles | rule |\n|---|---|---|---|"
        )
        for rule in rules:
            parts.append(f"| {rule.id} | {rule.level} | {', '.join(rule.profiles)} | {rule.text} |")
    return "\n".join(parts) + "\n"
