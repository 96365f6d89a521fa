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


DECISIONS = """\

## 7. Decisions on the edges

These decisions are part of the contract (since contract 1.1); the rules above cite them.

1. `version` is written as the integer 1. `version: 1.0` (also `!!float 1`, `1.`, `1.0e+0`) is
   parser-dependent (item 3): a resolver may include or exclude such a repo; validate SHOULD
   reject it (VAL-004); init never writes it (INI-001). `version: true` stays invalid
   everywhere (SCH-001).
2. Agent names match the whole string. The name pattern is anchored at both ends with
   ECMA-262 semantics: `"coach\\n"` (or a `|` block scalar ending in a newline) is invalid, and
   never the same name as `coach` (SCH-001, SCH-002).
3. Parser-dependent manifests: a manifest that some safe YAML loaders accept and others
   reject, or read differently (syntax PyYAML or libyaml accepts but YAML 1.2 forbids, such as
   a comment touching the text before it or flow lines not indented past their block; a tab
   before `:`; scalars YAML 1.1 and 1.2 read differently, such as `yes`, `on`, `1:30`, a merge
   key), is marked `parser_dependent` in the manifest corpus. A resolver may include or exclude
   such a repo (RES-003). validate SHOULD reject it, saying that its meaning depends on the YAML
   parser (VAL-004). init never writes one (INI-001). An unreadable manifest (whatever the
   loader raises) is simply invalid (SCH-001).
4. Format checks are the kit's own: every `format` the kit's schemas use (date-time, uri,
   uri-reference) is checked by the kit's code, the same on every machine, whatever optional
   packages are installed; patterns have their ECMA-262 meaning.
5. CloudEvents strings, integers and members: String attributes (and extension strings)
   contain no control characters (U+0000-U+001F, U+007F-U+009F) and no lone surrogates;
   Integer attributes fit in 32 bits (signed); a JSON object with a member given twice is
   invalid. An extension attribute or `dataschema` whose value is `null` is unset, not an
   error. An extension name longer than 20 characters is a SHOULD-level finding, not a MUST
   failure. `datacontenttype` is exactly the string `application/json` (PRE-001, PRE-011).
"""


def markdown() -> str:
    schemas = "\n".join(
        f"- `{name}.schema.json`: {contract.schema(name).get('title', '')}"
        for name in contract.schema_names()
    )
    parts = [INTRO.format(version=CONTRACT_VERSION, schemas=schemas)]
    for section, rules in groupby(contract.catalogue().values(), key=lambda r: r.section):
        rules = list(rules)
        parts.append(
            f"\n## {section}\n\nRole: `{rules[0].role}`.\n\n| id | level | profiles | rule |\n|---|---|---|---|"
        )
        for rule in rules:
            parts.append(f"| {rule.id} | {rule.level} | {', '.join(rule.profiles)} | {rule.text} |")
    return "\n".join(parts) + "\n" + DECISIONS
