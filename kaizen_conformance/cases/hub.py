"""Hub cases: the golden rosters of ``fixtures/hub/<id>/case.yml`` and the probes of ``probes.yml``.

Each case is the records a seed function gets and, per profile, the filtered views the hub
must answer with their exact slugs; ``select`` states the contract's filter semantics once.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kaizen_conformance.cases.loading import (
    FixtureError,
    case_dirs,
    case_file,
    check_against,
    read_yaml,
    role_base,
)
from kaizen_conformance.contract.rfc3339 import rfc3339_problem

ROLE = "hub"
FLAG = "kaizen_schedule_enabled"
STAMP = "kaizen_schedule_updated_at"
UNSEEDED = "unseeded"
Params = tuple[tuple[str, str], ...]  # a query's parameters, in order


@dataclass(frozen=True)
class HubQuery:
    """One filtered view and exactly the slugs it must list (order free)."""

    params: Params
    expect: tuple[str, ...]
    rule: str


def rule_of(params: Params) -> str:
    """The rule a filtered view evidences, from the parameters it combines."""
    names = {name for name, _ in params}
    if names == {"domain"}:
        return "HUB-004"
    if names == {FLAG}:
        return "HUB-012" if dict(params)[FLAG] == "true" else "HUB-013"
    return "HUB-014"


def select(records: Iterable[Any], params: Params) -> list[str]:
    """What a conforming hub lists for ``params``: the contract's filter semantics, once."""
    wanted = dict(params)
    chosen = []
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("slug"), str):
            continue
        if "domain" in wanted and record.get("domain") != wanted["domain"]:
            continue
        if FLAG in wanted and (record.get(FLAG) is True) != (wanted[FLAG] == "true"):
            continue
        chosen.append(record["slug"])
    return chosen


def as_seeded(records: Iterable[Any], profile: str) -> list[Any]:
    """The roster a hub of ``profile`` is seeded with: a v1 hub knows no flag, so its records
    have no flag fields (decision 25); a v2 hub gets them as the case gives them."""
    if profile != "v1":
        return list(records)
    return [
        {k: v for k, v in r.items() if k not in (FLAG, STAMP)} if isinstance(r, dict) else r
        for r in records
    ]


@dataclass(frozen=True)
class HubCase:
    """A golden roster: what the seed function receives and what each view must list."""

    id: str
    source: Path
    description: str
    profiles: tuple[str, ...]
    records: tuple[dict[str, Any], ...]
    queries: tuple[HubQuery, ...]

    def never_flagged(self) -> set[str]:
        return {r["slug"] for r in self.records if FLAG not in r}

    def queries_for(self, profile: str) -> list[HubQuery]:
        return [q for q in self.queries if profile == "v2" or q.rule == "HUB-004"]


@dataclass(frozen=True)
class Probes:
    unknown_domain: str
    unparseable_flag_values: tuple[str, ...]
    max_domains: int
    max_combined_domains: int
    boolean_spellings: tuple[tuple[str, bool], ...] = ()  # (spelling, its boolean meaning)


def probes(root: Path | None = None) -> Probes:
    from kaizen_conformance.cases.loading import fixtures_root

    return _probes(root or fixtures_root())  # cached per fixture tree, not per None


@cache
def _probes(root: Path) -> Probes:
    source = (
        role_base(root, "hub", "copy the kit's fixtures/hub/; see docs/CASES.md") / "probes.yml"
    )
    data = read_yaml(source)
    check_against("hub-probes", data, source)
    return Probes(
        data["unknown_domain"],
        tuple(data["unparseable_flag_values"]),
        data.get("max_domains", 20),
        data.get("max_combined_domains", 5),
        tuple(
            (spelling, meaning == "true")
            for meaning, spellings in data.get("boolean_spellings", {}).items()
            for spelling in spellings
        ),
    )


def load_hub_case(case_dir: Path, known: Probes) -> HubCase:
    """Read one case and lint it: the expectations must be what the records give."""
    source = case_dir / "case.yml"
    data = read_yaml(source)
    check_against("hub-case", data, source)
    records = data["records"]
    seen: set[str] = set()
    for index, record in enumerate(records):
        where = f"$.records[{index}]"
        if record["slug"] in seen:
            raise FixtureError(
                source,
                f"slug {record['slug']!r} is seeded twice",
                where=f"{where}.slug",
                fix="give each seeded repo its own slug (HUB-002 makes slugs unique)",
            )
        seen.add(record["slug"])
        if record["domain"] == known.unknown_domain:
            raise FixtureError(
                source,
                f"domain {record['domain']!r} is the probe for an unknown domain",
                where=f"{where}.domain",
                fix="use another domain name",
            )
        if (FLAG in record) != (STAMP in record):
            raise FixtureError(
                source,
                f"a record gives one of {FLAG} and {STAMP} without the other",
                where=where,
                fix="give both (a flagged repo), or neither (a repo never flagged)",
            )
        if record.get(STAMP) is not None and (problem := rfc3339_problem(record[STAMP])):
            raise FixtureError(
                source,
                problem,
                where=f"{where}.{STAMP}",
                fix="write an RFC 3339 date-time with an offset, quoted",
            )
    queries = []
    for index, row in enumerate(data["queries"]):
        params: Params = tuple((name, str(value)) for name, value in row["params"].items())
        computed = select(records, params)
        if sorted(computed) != sorted(row["expect"]):
            raise FixtureError(
                source,
                f"expect lists {sorted(row['expect'])} but the records give {sorted(computed)} for {dict(params)}",
                where=f"$.queries[{index}].expect",
                fix="correct the expected slugs (or the records): domain is an exact match, and a repo never "
                "flagged counts as false",
            )
        queries.append(HubQuery(params, tuple(row["expect"]), rule_of(params)))
    return HubCase(
        id=case_dir.name,
        source=source,
        description=" ".join(data["description"].split()),
        profiles=tuple(data.get("profiles", ("v1", "v2"))),
        records=tuple(records),
        queries=tuple(queries),
    )


def hub_cases(root: Path | None = None) -> tuple[HubCase, ...]:
    """Every case under ``fixtures/hub/``, sorted by id."""
    from kaizen_conformance.cases.loading import fixtures_root

    return _hub_cases(root or fixtures_root())  # cached per fixture tree, not per None


@cache
def _hub_cases(root: Path) -> tuple[HubCase, ...]:
    base = root / "hub"
    known = probes(root)
    cases = []
    for case_dir in case_dirs(base):
        case_file(case_dir, "schema: hub-case.schema.json")
        if case_dir.name == UNSEEDED:
            raise FixtureError(
                case_dir, f"the case id {UNSEEDED!r} is reserved for unseeded runs", fix="rename it"
            )
        cases.append(load_hub_case(case_dir, known))
    return tuple(cases)
