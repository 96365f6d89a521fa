"""Resolver cases: ``fixtures/resolver/<id>/case.yml`` and the corpus, each a roster, checkouts and the expected outcome.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaizen_conformance import contract
from kaizen_conformance.cases.corpus import ManifestEntry, manifest_corpus
from kaizen_conformance.cases.hub import FLAG
from kaizen_conformance.cases.loading import (
    INDEX,
    PLACEHOLDER,
    WORKSPACE_PLACEHOLDERS,
    FixtureError,
    case_dirs,
    case_file,
    check_against,
    check_placeholders,
    check_rule_ids,
    fixtures_root,
    read_yaml,
    role_base,
)
from kaizen_conformance.cases.workspace import (
    Declared,
    Workspace,
    check_declared,
    materialise_files,
    materialise_planned,
    new_workspace,
)

# --------------------------------------------------------------------------- resolver cases


@dataclass(frozen=True)
class GeneratedGroup:
    """``count`` records made from one template (``hub.generate``), and the files each one needs.

    A 5,000-repo roster is three lines of case.yml instead of 5,000 records and directories
    in git. Every record of a group has the same fate, so expectations name groups.
    """

    name: str
    count: int
    record: Mapping[str, Any]
    files: list[Mapping[str, Any]]

    @property
    def width(self) -> int:
        return len(str(self.count - 1))

    def index(self, i: int) -> str:
        return str(i).zfill(self.width)

    def records(self) -> list[Any]:
        return [fill_index(self.record, self.index(i)) for i in range(self.count)]

    def materialise(self, workspace: Workspace, source: Path, where: str) -> None:
        """Create the files of every record, through the one path every case's files take."""
        materialise_planned(
            (
                (f"{where}[{number}]", fill_index(entry, self.index(i)))
                for i in range(self.count)
                for number, entry in enumerate(self.files)
            ),
            workspace,
            source,
        )


def fill_index(value: Any, index: str) -> Any:
    """``value`` with ``{i}`` replaced by ``index`` in every string (keys included)."""
    if isinstance(value, str):
        return value.replace(INDEX, index)
    if isinstance(value, list):
        return [fill_index(v, index) for v in value]
    if isinstance(value, dict):
        return {fill_index(k, index): fill_index(v, index) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Step:
    """One later call of a sequence case: what changes in the fleet first, and what it must answer.

    ``records``: the hub's roster from this call on (``None``: unchanged); ``files``: entries
    made in the workspace before the call, as ``files:`` makes them (a manifest removed,
    rewritten, a checkout made). The call is judged on the fleet as it then is (RES-019).
    """

    change: str
    records: list[Any] | None
    files: list[Mapping[str, Any]]
    expect: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class ResolverCase:
    """One resolver scenario: a hub roster, checkouts, and the verdict per profile."""

    id: str
    source: Path
    description: str
    rules: tuple[str, ...]
    profiles: tuple[str, ...]
    hostname: str
    domain: str | None
    records: list[Any]  # explicit records, then every generated one (placeholders still unexpanded)
    ignores: frozenset[str]
    fault: Mapping[str, Any] | None
    # profile -> {"included": [...]} (+ "either": [...], slugs that may or may not be included)
    # | {"error": True}
    expect: Mapping[str, Mapping[str, Any]]
    files: list[Mapping[str, Any]] = field(default_factory=list)
    repos_source: Path | None = None
    manifest: ManifestEntry | None = None
    generated: tuple[GeneratedGroup, ...] = ()
    base_path: str = ""  # a path the hub's base URL carries (the double serves repos/ below it)
    steps: tuple[Step, ...] = ()  # a sequence case: the calls after the first, in order
    content_type: str = "application/json"  # of the hub's roster answer

    def materialise(self, root: Path) -> tuple[Workspace, list[Any]]:
        """Build the workspace and the hub's records with placeholders resolved."""
        workspace = new_workspace(root, self.repos_source)
        if self.manifest is not None:
            self.manifest.place(workspace, workspace.repos / "subject")
        for number, group in enumerate(self.generated):
            group.materialise(workspace, self.source, f"$.hub.generate[{number}].files")
        materialise_files(self.files, workspace, self.source, "$.files")
        return workspace, expand_records(self.records, workspace, self.source)

    def rosters(self, workspace: Workspace, first: list[Any]) -> list[list[Any]]:
        """The hub's records at each call of a sequence (``first``: the materialised roster)."""
        rosters = [first]
        for step in self.steps:
            rosters.append(
                rosters[-1]
                if step.records is None
                else expand_records(step.records, workspace, self.source)
            )
        return rosters

    def change_fleet(self, workspace: Workspace, step: int) -> None:
        """Make on disk what ``steps[step]`` changes before its call."""
        materialise_files(self.steps[step].files, workspace, self.source, f"$.steps[{step}].files")

    def outcome_at(self, call: int, profile: str) -> Mapping[str, Any]:
        """What call ``call`` (0: the first) must answer under ``profile``."""
        return self.expect[profile] if call == 0 else self.steps[call - 1].expect[profile]


def expand_records(records: list[Any], workspace: Workspace, source: Path) -> list[Any]:
    """The records with the workspace placeholders of their host paths substituted (checked at load)."""
    known = workspace.placeholders()

    def substitute(match: re.Match[str]) -> str:
        return known.get(match.group(1), match.group(0))

    expanded = []
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("host_paths"), dict):
            record = dict(record)
            record["host_paths"] = {
                host: PLACEHOLDER.sub(substitute, path) if isinstance(path, str) else path
                for host, path in record["host_paths"].items()
            }
        expanded.append(record)
    return expanded


HUB_FAILS = "a case whose hub fails (hub.fault) expects the resolver to fail loudly"
REDIRECTS = (301, 302, 303, 307, 308)


def check_fault(fault: Mapping[str, Any] | None, path: Path) -> None:
    """What the schema cannot say about a fault: which keys go with which kind."""
    if fault is None:
        return
    kind, where = fault["kind"], "$.hub.fault"
    keys = {
        "status": ("status", "redirect", "redirect-loop"),
        "body": ("status", "not-json", "not-array"),
        "after_records": ("cut-off",),
    }
    for key, kinds in keys.items():
        if key in fault and kind not in kinds:
            raise FixtureError(
                path,
                f"{key} means nothing for a fault of kind {kind}",
                where=f"{where}.{key}",
                fix=f"remove {key}; it applies to kind {' or '.join(kinds)}",
            )
    status = fault.get("status")
    if kind == "status" and status is not None and 200 <= status < 300:
        raise FixtureError(
            path,
            f"status {status} is a success, not a failing hub",
            where=f"{where}.status",
            fix="give a non-2xx status, or use kind not-json / not-array for a bad 200 answer",
        )
    if kind in ("redirect", "redirect-loop") and status is not None and status not in REDIRECTS:
        raise FixtureError(
            path,
            f"status {status} does not redirect",
            where=f"{where}.status",
            fix=f"use one of {', '.join(map(str, REDIRECTS))}",
        )
    if kind == "not-array" and "body" in fault:
        try:
            parsed = json.loads(fault["body"])
        except ValueError as exc:
            raise FixtureError(
                path,
                f"body is not JSON ({exc})",
                where=f"{where}.body",
                fix="give JSON text that is not an array (null, an object, a number), "
                "or use kind not-json",
            ) from None
        if isinstance(parsed, list):
            raise FixtureError(
                path,
                "body is a JSON array, which is what a working hub answers",
                where=f"{where}.body",
                fix="give JSON that is not an array, such as null or {}",
            )


def load_groups(hub: Mapping[str, Any], source: Path) -> tuple[GeneratedGroup, ...]:
    groups, names = [], set()
    for number, spec in enumerate(hub.get("generate", [])):
        where = f"$.hub.generate[{number}]"
        if spec["group"] in names:
            raise FixtureError(
                source,
                f"group {spec['group']} is declared twice",
                where=f"{where}.group",
                fix="give each generated group its own name",
            )
        names.add(spec["group"])
        check_template(spec["record"], source, f"{where}.record")
        groups.append(
            GeneratedGroup(spec["group"], spec["count"], spec["record"], spec.get("files", []))
        )
    return tuple(groups)


def check_template(record: Mapping[str, Any], source: Path, where: str) -> None:
    """A generated record's strings may use {i}; its host paths also the workspace placeholders."""

    def walk(value: Any, at: str, allowed: tuple[str, ...]) -> None:
        if isinstance(value, str):
            check_placeholders(value, allowed, source, at)
        elif isinstance(value, list):
            for n, item in enumerate(value):
                walk(item, f"{at}[{n}]", allowed)
        elif isinstance(value, dict):
            for key, item in value.items():
                check_placeholders(key, ("i",), source, f"{at}.{key}")
                walk(item, f"{at}.{key}", allowed)

    for key, item in record.items():
        check_placeholders(key, ("i",), source, f"{where}.{key}")
        walk(
            item,
            f"{where}.{key}",
            (*WORKSPACE_PLACEHOLDERS, "i") if key == "host_paths" else ("i",),
        )


def expected_outcomes(
    data: Mapping[str, Any],
    profiles: tuple[str, ...],
    generated: Mapping[str, list[Any]],
    source: Path,
    at: str = "$",
) -> dict[str, dict[str, Any]]:
    """Per profile: ``{"error": True}`` or ``{"included": [...]}`` with every named group's slugs added.

    ``generated`` holds each generated group's records by group name, as loading built them.
    """
    expect = data["expect"]
    per_profile = {p: expect for p in profiles} if not ({"v1", "v2"} & expect.keys()) else expect
    by_name = generated
    outcomes: dict[str, dict[str, Any]] = {}
    for profile in profiles:
        where = f"{at}.expect" + (f".{profile}" if per_profile is expect else "")
        if profile not in per_profile:
            raise FixtureError(
                source,
                f"no expectation for profile {profile}",
                where=f"{at}.expect",
                fix=f"add expect.{profile}, or give one expectation for every profile",
            )
        outcome = per_profile[profile]
        if outcome.get("error"):
            if {"included", "groups"} & outcome.keys():
                raise FixtureError(
                    source,
                    "expects both an error and included repos",
                    where=where,
                    fix="keep error: true alone (the resolver fails loudly), or drop it",
                )
            outcomes[profile] = {"error": True}
            continue
        if data["hub"].get("fault"):
            raise FixtureError(
                source,
                f"{HUB_FAILS}, but the expectation lists included repos",
                where=where,
                fix="expect error: true, or remove hub.fault",
            )
        included = list(outcome.get("included", []))
        for name in outcome.get("groups", []):
            if name not in by_name:
                raise FixtureError(
                    source,
                    f"group {name} is not generated by this case",
                    where=f"{where}.groups",
                    fix=f"name one of hub.generate's groups: {', '.join(sorted(by_name)) or 'none'}",
                )
            slugs = [r.get("slug") if isinstance(r, dict) else None for r in by_name[name]]
            if not all(isinstance(slug, str) for slug in slugs):
                raise FixtureError(
                    source,
                    f"group {name} is expected included but its records have no string slug",
                    where=f"{where}.groups",
                    fix="give the group's record template a slug such as fleet/repo-{i}",
                )
            included.extend(slugs)
        outcomes[profile] = {"included": included}
    return outcomes


def load_resolver_case(case_dir: Path) -> ResolverCase:
    source = case_dir / "case.yml"
    return resolver_case_from_data(read_yaml(source), case_dir)


def resolver_case_from_data(data: Any, case_dir: Path) -> ResolverCase:
    """The case ``data`` (what ``case_dir/case.yml`` holds, or would hold) loaded and checked.

    Exploration builds its examples as case data and loads them here, so an example that
    failed is written out as exactly the case.yml the golden suite would load.
    """
    source = case_dir / "case.yml"
    check_against("resolver-case", data, source)
    check_rule_ids(data["rules"], source, "$.rules")
    rules = [contract.catalogue()[r] for r in data["rules"]]
    applicable = [p for p in contract.PROFILES if any(p in rule.profiles for rule in rules)]
    profiles = tuple(data.get("profiles", applicable))
    for profile in profiles:
        if profile not in applicable:
            raise FixtureError(
                source,
                f"profile {profile} is listed but none of the case's rules applies to it",
                where="$.profiles",
                fix=f"list only {applicable}",
            )
    hub = data["hub"]
    check_fault(hub.get("fault"), source)
    for index, record in enumerate(hub["records"]):
        if isinstance(record, dict) and isinstance(record.get("host_paths"), dict):
            for host, host_path in record["host_paths"].items():
                at = f"$.hub.records[{index}].host_paths.{host}"
                check_placeholders(host_path, WORKSPACE_PLACEHOLDERS, source, at)
    groups = load_groups(hub, source)
    check_declared(
        source,
        [
            Declared("$.files", data.get("files", [])),
            *(
                Declared(f"$.steps[{number}].files", step.get("files", []))
                for number, step in enumerate(data.get("steps", []))
            ),
            *(
                Declared(
                    f"$.hub.generate[{number}].files",
                    group.files,
                    group.count,
                    (*WORKSPACE_PLACEHOLDERS, "i"),
                )
                for number, group in enumerate(groups)
            ),
        ],
        tree=case_dir / "repos",
    )
    steps = load_steps(data, profiles, source)
    generated = {group.name: group.records() for group in groups}
    records = list(hub["records"]) + [
        record for group in groups for record in generated[group.name]
    ]
    return ResolverCase(
        id=case_dir.name,
        source=source,
        description=" ".join(data["description"].split()),
        rules=tuple(data["rules"]),
        profiles=profiles,
        hostname=data.get("hostname", "runner-01"),
        domain=data.get("domain"),
        records=records,
        ignores=frozenset(hub.get("ignores", ())),
        fault=hub.get("fault"),
        expect=expected_outcomes(data, profiles, generated, source),
        files=data.get("files", []),
        repos_source=case_dir / "repos",
        generated=groups,
        base_path=hub.get("base_path", ""),
        steps=steps,
        content_type=hub.get("content_type", "application/json"),
    )


SEQUENCE_RULE = "RES-019"  # the rule every later call of a sequence case is judged on


def load_steps(
    data: Mapping[str, Any], profiles: tuple[str, ...], source: Path
) -> tuple[Step, ...]:
    """A sequence case's steps, checked for what the schema cannot say."""
    steps_data = data.get("steps", [])
    listed = SEQUENCE_RULE in data["rules"]
    if steps_data and not listed:
        raise FixtureError(
            source,
            f"a case with steps does not list {SEQUENCE_RULE}, the rule its later calls are judged on",
            where="$.rules",
            fix=f"add {SEQUENCE_RULE} to rules",
        )
    if listed and not steps_data:
        raise FixtureError(
            source,
            f"{SEQUENCE_RULE} is about a resolver called again after the fleet changed, "
            "but the case has no steps",
            where="$.rules",
            fix=f"add steps: (a change and the next call's expect), or remove {SEQUENCE_RULE}",
        )
    if not steps_data:
        return ()
    hub = data["hub"]
    for key, why in (
        ("fault", "a failing hub answers every call alike"),
        ("generate", "a step replaces the roster, which generated records cannot follow"),
    ):
        if key in hub:
            raise FixtureError(
                source,
                f"a case with steps cannot have hub.{key}: {why}",
                where=f"$.hub.{key}",
                fix=f"remove hub.{key}, or make a case of its own without steps",
            )
    steps = []
    for number, step in enumerate(steps_data):
        where = f"$.steps[{number}]"
        if "hub" not in step and not step.get("files"):
            raise FixtureError(
                source,
                "the step changes nothing in the fleet",
                where=where,
                fix="give the step hub.records (the roster from this call on) or files "
                "(what changes on disk), or drop it",
            )
        expect = step["expect"]
        for profile, outcome in expect.items() if {"v1", "v2"} & expect.keys() else [("", expect)]:
            if outcome.get("error"):
                raise FixtureError(
                    source,
                    "a step expects the resolver to fail, but a step's hub answers",
                    where=f"{where}.expect" + (f".{profile}" if profile else ""),
                    fix="expect included: [...] (the repos the fleet then opts in)",
                )
        records = step["hub"]["records"] if "hub" in step else None
        for index, record in enumerate(records or ()):
            if isinstance(record, dict) and isinstance(record.get("host_paths"), dict):
                for host, host_path in record["host_paths"].items():
                    at = f"{where}.hub.records[{index}].host_paths.{host}"
                    check_placeholders(host_path, WORKSPACE_PLACEHOLDERS, source, at)
        steps.append(
            Step(
                change=" ".join(step["change"].split()),
                records=records,
                files=step.get("files", []),
                expect=expected_outcomes(
                    {"expect": step["expect"], "hub": {}}, profiles, {}, source, where
                ),
            )
        )
    return tuple(steps)


# Every resolver case of a fixture tree, by its root, once all of them loaded.
_LOADED: dict[Path, tuple[ResolverCase, ...]] = {}


def resolver_cases(root: Path | None = None) -> tuple[ResolverCase, ...]:
    """Every case under ``<fixtures>/resolver/``, sorted by id (loaded once per tree)."""
    root = root or fixtures_root()
    if root not in _LOADED:
        role_base(root, "resolver", "kaizen-conformance new-case resolver NAME; see docs/CASES.md")
        load_each(root)
    return _LOADED[root]


def load_each(root: Path, problems: list[FixtureError] | None = None) -> list[ResolverCase]:
    """Each case under ``<root>/resolver/``, in order of id.

    Without ``problems`` the first malformed case raises (a test run stops there); with it,
    each malformed case is recorded there and the others still load (the fixture lint). When
    every case loaded, they are kept for ``resolver_cases``: the lint's collection reuses them.
    """
    base = root / "resolver"
    if not base.is_dir():
        return []
    cases: list[ResolverCase] = []
    complete = True
    for case_dir in case_dirs(base):
        try:
            case_file(case_dir, "kaizen-conformance new-case resolver NAME; see docs/CASES.md")
            cases.append(load_resolver_case(case_dir))
        except FixtureError as exc:
            if problems is None:
                raise
            problems.append(exc)
            complete = False
    if complete:
        _LOADED[root] = tuple(cases)
    return cases


SUBJECT_SLUG = "fleet/subject"


def corpus_case(entry: ManifestEntry) -> ResolverCase:
    """A manifest of the corpus in a checkout whose hub flag is true: valid → included.

    A parser-dependent manifest may be included or not (``either``): the contract allows both.
    """
    catalogue_rules = list(entry.rules)
    from kaizen_conformance import contract

    must = all(contract.catalogue()[r].is_must for r in entry.rules)
    if entry.parser_dependent:
        pass  # contract section 7: included or excluded, either conforms
    elif entry.valid:
        catalogue_rules.append("RES-001")
    elif must:
        catalogue_rules.append("RES-003")
    if entry.hostile:
        catalogue_rules.append("RES-016")
    record = {
        "slug": SUBJECT_SLUG,
        "domain": "fleet",
        "host_paths": {"runner-01": "{repos}/subject", "runner-02": "/srv/elsewhere/subject"},
        FLAG: True,
        "kaizen_schedule_updated_at": "2026-06-17T06:19:51Z",
    }
    outcome: dict[str, Any] = {"included": [SUBJECT_SLUG] if entry.valid else []}
    if entry.parser_dependent:
        outcome["either"] = [SUBJECT_SLUG]
    return ResolverCase(
        id=entry.id,
        source=entry.source,
        description=entry.description,
        rules=tuple(catalogue_rules),
        profiles=("v1", "v2"),
        hostname="runner-01",
        domain=None,
        records=[record],
        ignores=frozenset(),
        fault=None,
        expect={"v1": outcome, "v2": outcome},
        manifest=entry,
    )


def all_cases(extra: Path | None = None) -> list[ResolverCase]:
    """The fixture tree's resolver cases, the corpus's, then those of ``extra`` (--kaizen-extra-cases).

    Extra cases run on top of the shipped ones under the same ids in test names, so an id
    may be used once across all three: a collision names both files.
    """
    cases = list(resolver_cases()) + [corpus_case(entry) for entry in manifest_corpus()]
    if extra is not None:
        cases += resolver_cases(extra) if (extra / "resolver").is_dir() else ()
    seen: dict[str, ResolverCase] = {}
    for case in cases:
        if case.id in seen:
            rename = (
                "rename the extra case's directory: its id must differ from every shipped case and corpus entry"
                if extra is not None and case.source.is_relative_to(extra)
                else "rename one of them: case ids are unique across resolver cases and the corpus"
            )
            raise FixtureError(
                case.source, f"case id {case.id} is also used by {seen[case.id].source}", fix=rename
            )
        seen[case.id] = case
    return cases
