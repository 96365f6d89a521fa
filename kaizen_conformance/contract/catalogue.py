"""The contract as data: the rule catalogue and the JSON Schemas shipped in the package.

Rules are stable ids (``RES-002``) with a level, the role whose behaviour they constrain,
the profiles they apply to and one sentence of text. Everything that reports a verdict
keys it on these ids, so users can key skip lists and expectations on them too.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CONTRACT_DIR = Path(__file__).resolve().parent

PROFILES = ("v1", "v2")
ROLE_ORDER = ("manifest", "hub", "resolver", "prepare", "validate", "init", "list")


@dataclass(frozen=True)
class Rule:
    """One row of the catalogue."""

    id: str
    level: str  # "MUST" or "SHOULD"
    role: str
    profiles: tuple[str, ...]
    text: str
    section: str

    @property
    def prefix(self) -> str:
        return self.id.split("-", 1)[0]

    @property
    def is_must(self) -> bool:
        return self.level == "MUST"


@cache
def schema(name: str) -> dict[str, Any]:
    """A shipped JSON Schema by file stem (``"manifest"`` → ``manifest.schema.json``)."""
    path = CONTRACT_DIR / "schemas" / f"{name}.schema.json"
    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def schema_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".schema.json")
        for p in (CONTRACT_DIR / "schemas").glob("*.schema.json")
    )


@cache
def validator(name: str) -> Any:
    """A Draft 2020-12 validator for a shipped schema, with its sibling schemas resolvable.

    Its formats are the kit's own checks and its patterns have ECMA-262's meaning
    (``contract/formats.py``): the verdicts are the same on every machine, whatever optional
    packages are installed.
    """
    from referencing import Registry, Resource

    from kaizen_conformance.contract.formats import (
        format_checker,
        validator_class,
        with_ecma_patterns,
    )

    schemas = {other: with_ecma_patterns(schema(other)) for other in schema_names()}
    registry: Registry[Any] = Registry().with_resources(
        (f"{other}.schema.json", Resource.from_contents(schemas[other])) for other in schemas
    )
    registry = registry.with_resources(
        (schemas[other]["$id"], Resource.from_contents(schemas[other])) for other in schemas
    )
    return validator_class()(schemas[name], registry=registry, format_checker=format_checker())


def catalogue_files() -> list[tuple[Any, Any]]:
    """(path, data) of each section file. Their format is checked against catalogue.schema.json by
    the kit's own tests, not on every run: the catalogue ships with the kit, it is not user input."""
    import yaml  # here, not at import: pytest loads this module for every project's runs

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return [
        (path, yaml.load(path.read_text(encoding="utf-8"), Loader=loader))
        for path in sorted((CONTRACT_DIR / "rules").glob("*.yml"))
    ]


@cache
def catalogue() -> dict[str, Rule]:
    """Every rule of the contract, by id, in catalogue order (section files sorted by role)."""
    sections = [data for _, data in catalogue_files()]
    sections.sort(key=lambda s: ROLE_ORDER.index(s["role"]))
    rules: dict[str, Rule] = {}
    for section in sections:
        for row in section["rules"]:
            if row["id"] in rules:
                raise ValueError(f"rule {row['id']} is defined twice in the catalogue")
            rules[row["id"]] = Rule(
                id=row["id"],
                level=row["level"],
                role=section["role"],
                profiles=tuple(row["profiles"]),
                text=" ".join(row["text"].split()),
                section=section["section"],
            )
    return rules


def rules_for(role: str, profile: str | None = None) -> list[Rule]:
    """The rules a role is held to (SCH rules count for every role that decides opt-in)."""
    roles = {role, "manifest"} if role in ("resolver", "validate") else {role}
    return [
        rule
        for rule in catalogue().values()
        if rule.role in roles and (profile is None or profile in rule.profiles)
    ]
