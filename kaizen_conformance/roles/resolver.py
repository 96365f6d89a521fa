"""Resolver conformance: every case of ``fixtures/resolver/`` and every manifest of the corpus.

Each case yields one outcome check named after its first rule (``RES-002[case]``), plus a
boundary check ``RES-015[case]`` (GET only, checkouts unchanged) for every case. The
implementation runs once per case; the case's checks share that run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from kaizen_conformance import _trees
from kaizen_conformance._checks import Check, CheckContext, Violation
from kaizen_conformance._settings import Settings
from kaizen_conformance.adapters.resolver import ResolverResult, call_resolver
from kaizen_conformance.cases import ManifestEntry, ResolverCase, Workspace, manifest_corpus, resolver_cases
from kaizen_conformance.hubdouble import FLAG, HubDouble

ROLE = "resolver"
# Rules judged by something other than the outcome of the case.
CHECK_KIND = {"RES-015": "boundary", "RES-017": "prefilter", "RES-018": "deterministic"}
SUBJECT_SLUG = "fleet/subject"


def corpus_case(entry: ManifestEntry) -> ResolverCase:
    """A manifest of the corpus in a checkout whose hub flag is true: valid → included."""
    catalogue_rules = list(entry.rules)
    from kaizen_conformance import contract

    must = all(contract.catalogue()[r].is_must for r in entry.rules)
    if entry.valid:
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
    outcome = {"included": [SUBJECT_SLUG] if entry.valid else []}
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


def all_cases() -> list[ResolverCase]:
    cases = list(resolver_cases()) + [corpus_case(entry) for entry in manifest_corpus()]
    seen: dict[str, ResolverCase] = {}
    for case in cases:
        if case.id in seen:
            from kaizen_conformance.cases import FixtureError

            raise FixtureError(case.source, f"case id {case.id} is also used by {seen[case.id].source}",
                               fix="rename one of them: case ids are unique across resolver cases and the corpus")
        seen[case.id] = case
    return cases


def collect(settings: Settings) -> list[Check]:
    from kaizen_conformance import contract

    profile = settings.profile(ROLE)
    catalogue = contract.catalogue()
    checks = []
    for case in all_cases():
        if profile not in case.profiles:
            continue
        groups: dict[str, list[str]] = {}
        for rule in (r for r in case.rules if profile in catalogue[r].profiles):
            groups.setdefault(CHECK_KIND.get(rule, "outcome"), []).append(rule)
        groups.setdefault("boundary", ["RES-015"])
        for kind, rules in groups.items():
            run = partial(CHECKERS[kind], case)
            checks.append(Check(ROLE, tuple(rules), case.id, run, case.description))
    return checks


@dataclass
class Run:
    """One call of the resolver on one materialised case."""

    case: ResolverCase
    workspace: Workspace
    records: list[Any]
    double: HubDouble
    result: ResolverResult
    before: dict[str, Any]
    after: dict[str, Any]
    marker_created: bool


def execute(context: CheckContext, case: ResolverCase, attempt: int = 0) -> Run:
    workspace, records = case.materialise(context.workspace_dir(f"res-{case.id}-{attempt}"))
    before = _trees.fingerprint(workspace.root)
    double = HubDouble(records, ignores=case.ignores, fault=case.fault)
    result = call_resolver(context.settings, double, case.hostname, case.domain, f"resolver {case.id}")
    after = _trees.fingerprint(workspace.root)
    return Run(case, workspace, records, double, result, before, after, workspace.marker.exists())


def run_of(context: CheckContext, case: ResolverCase) -> Run:
    run: Run = context.remember((ROLE, case.id), lambda: execute(context, case))
    return run


# --------------------------------------------------------------------------- checks


def describe_failure(run: Run, limit: float) -> str:
    outcome = run.result.outcome
    if outcome.timed_out:
        return f"did not return within the per-call limit of {limit:g} s (--kaizen-timeout)"
    tail = "\n".join(outcome.error_text.splitlines()[-6:])
    return f"raised {type(outcome.error).__name__}: {outcome.error}\n{tail}"


def expected_path(records: list[Any], slug: str, hostname: str) -> set[str]:
    return {
        r["host_paths"][hostname]
        for r in records
        if isinstance(r, dict) and r.get("slug") == slug and isinstance(r.get("host_paths"), dict)
        and isinstance(r["host_paths"].get(hostname), str)
    }


def check_outcome(case: ResolverCase, context: CheckContext) -> None:
    run = run_of(context, case)
    limit = context.settings.timeout
    profile = context.settings.profile(ROLE)
    expected = case.expect[profile]
    result = run.result
    if run.marker_created:
        raise Violation(f"code in a manifest was executed: it created {run.workspace.marker}")
    if not run.double.requests:
        raise Violation(
            "the resolver never reached the hub double: its HTTP client is not httpx, which is the only "
            "client respx intercepts. Fix: rerun with --kaizen-hub-double=server (a real hub double on "
            "127.0.0.1), or use --kaizen-resolver-cmd."
            + (f"\nit then {describe_failure(run, limit)}" if result.outcome.failed else "")
        )
    if expected.get("error"):
        if result.outcome.timed_out:
            raise Violation(
                f"expected a loud failure within {limit:g} s; the resolver was still waiting when the limit "
                "ran out (it must set its own timeout on hub requests)"
            )
        if not result.outcome.failed:
            raise Violation(f"the hub failed ({fault_text(case)}) yet the resolver returned "
                            f"{result.outcome.value!r:.300} instead of failing loudly")
        return
    if result.outcome.timed_out or result.outcome.failed:
        raise Violation(describe_failure(run, limit))
    if result.problem:
        raise Violation(f"malformed output: {result.problem}")
    assert result.repos is not None
    slugs = [repo["slug"] for repo in result.repos]
    want = set(expected["included"])
    problems = []
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        problems.append(f"listed more than once: {', '.join(duplicates)}")
    if missing := sorted(want - set(slugs)):
        problems.append(f"missing (should be included): {', '.join(missing)}")
    if extra := sorted(set(slugs) - want):
        problems.append(f"unexpected (should be excluded): {', '.join(extra)}")
    for repo in result.repos:
        paths = expected_path(run.records, repo["slug"], case.hostname)
        if repo["slug"] in want and repo.get("local_path") not in paths:
            problems.append(
                f"{repo['slug']}: local_path {repo.get('local_path')!r} is not the hub's path for "
                f"{case.hostname} ({', '.join(sorted(paths)) or 'none'})"
            )
    if problems:
        raise Violation(
            f"{case.description}\nprofile {profile}; expected exactly {sorted(want)}; got {slugs}\n  "
            + "\n  ".join(problems)
        )


def fault_text(case: ResolverCase) -> str:
    if not case.fault:
        return "no fault"
    kind = case.fault["kind"]
    return f"status {case.fault.get('status', 500)}" if kind == "status" else kind


def check_boundary(case: ResolverCase, context: CheckContext) -> None:
    run = run_of(context, case)
    writes = [f"{r.method} {r.path}" for r in run.double.requests if r.method != "GET"]
    if writes:
        raise Violation(f"sent requests other than GET to the hub: {', '.join(writes[:5])}")
    changes = _trees.differences(run.before, run.after)
    if changes:
        raise Violation("changed the checkouts it read:\n  " + "\n  ".join(changes))


def check_prefilter(case: ResolverCase, context: CheckContext) -> None:
    run = run_of(context, case)
    asked = [r.param(FLAG) for r in run.double.requests]
    if "true" not in asked:
        queries = [dict(r.query) for r in run.double.requests]
        raise Violation(f"never asked the hub for {FLAG}=true; its requests had the queries {queries}")


def check_deterministic(case: ResolverCase, context: CheckContext) -> None:
    runs = [run_of(context, case), execute(context, case, attempt=1)]
    listings = []
    for run in runs:
        if run.result.repos is None:
            raise Violation("no output to compare: the resolver failed (see this case's outcome check)")
        root = str(run.workspace.root)
        listings.append([(r["slug"], str(r.get("local_path")).replace(root, "{root}")) for r in run.result.repos])
    slugs = [slug for slug, _ in listings[0]]
    if slugs != sorted(slugs):
        raise Violation(f"output is not ordered by slug: {slugs}")
    if listings[0] != listings[1]:
        raise Violation(f"two runs on identical inputs differ:\n  {listings[0]}\n  {listings[1]}")


CHECKERS = {
    "outcome": check_outcome,
    "boundary": check_boundary,
    "prefilter": check_prefilter,
    "deterministic": check_deterministic,
}
