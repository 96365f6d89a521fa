"""Resolver conformance: every case of ``fixtures/resolver/`` and every manifest of the corpus.

Each case yields one outcome check named after its first rule (``RES-002[case]``), plus a
boundary check ``RES-015[case]`` (GET only, checkouts unchanged) for every case. The
implementation runs once per case; the case's checks share that run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import Any

from kaizen_conformance.adapters.resolver import ResolverResult, run_resolver
from kaizen_conformance.cases.resolver import ResolverCase, all_cases
from kaizen_conformance.cases.workspace import Workspace
from kaizen_conformance.core.checks import (
    Check,
    CheckContext,
    FailureKind,
    Violation,
    crashed_call,
)
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.hubdouble.responder import FLAG, HubDouble, HubRequest
from kaizen_conformance.runtime import trees
from kaizen_conformance.runtime.shared_runs import remember_shared

ROLE = "resolver"
# Rules judged by something other than the outcome of the case.
CHECK_KIND = {"RES-015": "boundary", "RES-017": "prefilter", "RES-018": "deterministic"}


def slow_first(case: ResolverCase) -> int:
    """Cases that wait on the implementation's own timeout, or resolve thousands of repos, run first.

    pytest-xdist hands out items in order: a long case started last would leave one worker
    running alone at the end. Within each rank the order stays by case id.
    """
    if case.fault is not None and case.fault["kind"] == "stall":
        return 0
    return 1 if case.generated else 2


def collect(settings: Settings) -> list[Check]:
    from kaizen_conformance import contract

    profile = settings.profile(ROLE)
    catalogue = contract.catalogue()
    checks = []
    for case in sorted(all_cases(), key=slow_first):
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
    requests: list[HubRequest]  # what the resolver asked the hub double
    result: ResolverResult
    before: dict[str, Any]  # fingerprints of the checkouts ({} when not taken)
    after: dict[str, Any]
    marker_created: bool


def execute(
    context: CheckContext,
    case: ResolverCase,
    attempt: int = 0,
    fingerprint: bool = True,
    materialised: tuple[Workspace, list[Any]] | None = None,
) -> Run:
    """Materialise the case and run the resolver on it; ``fingerprint``: also fingerprint the tree
    before and after (the boundary check's evidence; a run only compared for its output needs none).
    ``materialised``: the case's workspace and records, already made (exploration reads them first)."""
    workspace, records = materialised or case.materialise(
        context.workspace_dir(f"res-{case.id}-{attempt}")
    )
    before = trees.fingerprint(workspace.root) if fingerprint else {}
    double = HubDouble(records, ignores=case.ignores, fault=case.fault)
    result = run_resolver(
        context.settings,
        context.request.config,
        double,
        case.hostname,
        case.domain,
        f"resolver {case.id}",
    )
    after = trees.fingerprint(workspace.root) if fingerprint else {}
    return Run(
        case,
        workspace,
        records,
        list(double.requests),
        result,
        before,
        after,
        workspace.marker.exists(),
    )


def run_of(context: CheckContext, case: ResolverCase) -> Run:
    """The case's one run, shared by its checks (across pytest-xdist workers too)."""
    wait = 3 * context.settings.timeout + 30  # the worker running it may be busy with it that long
    run: Run = remember_shared(context, (ROLE, case.id), lambda: execute(context, case), wait)
    return run


# --------------------------------------------------------------------------- checks


def brief(values: list[str], limit: int = 12) -> str:
    """A list for a message, bounded: a 5,000-repo roster must not print 5,000 slugs."""
    if not values:
        return "none"
    shown = ", ".join(values[:limit])
    return shown if len(values) <= limit else f"{shown}, ... ({len(values)} in all)"


def never_reached(run: Run) -> str:
    """Why the double saw no request, and what to do about it, for each way of running."""
    result = run.result
    then = f"\nit then {result.failure}" if result.failure else ""
    if result.via == "respx":
        return (
            "the resolver never reached the hub double: its HTTP client is not httpx, which is the only "
            "client respx intercepts. Fix: rerun with --kaizen-hub-double=server (a real hub double on "
            "127.0.0.1), or use --kaizen-resolver-cmd." + then
        )
    message = f"the resolver never sent a request to the hub URL it was given ({result.hub_url})"
    if result.strays:
        sent = brief([f"{s.method} {s.path}" for s in result.strays], 3)
        message += (
            f"; it sent {sent} to the server's root instead, dropping the base URL's path. A hub may sit "
            "below a path (behind a proxy): append repos/ to the base URL it is given, keeping its path"
        )
    return message + then


def expected_paths(records: list[Any], hostname: str) -> dict[str, set[str]]:
    """slug -> the host paths the hub gave for ``hostname`` (one pass: rosters run to thousands)."""
    paths: dict[str, set[str]] = {}
    for r in records:
        if (
            isinstance(r, dict)
            and isinstance(r.get("slug"), str)
            and isinstance(r.get("host_paths"), dict)
        ):
            path = r["host_paths"].get(hostname)
            if isinstance(path, str):
                paths.setdefault(r["slug"], set()).add(path)
    return paths


def failure_kind(result: ResolverResult) -> FailureKind:
    """What a run that gave no answer did: ran past the limit, or crashed (raised, exited non-zero, never started)."""
    if result.timed_out:
        return FailureKind.OVER_LIMIT
    if result.failed or result.broken:
        return FailureKind.CRASHED
    return FailureKind.WRONG_ANSWER


def check_outcome(case: ResolverCase, context: CheckContext) -> None:
    judge_outcome(run_of(context, case), context)


def judge_outcome(run: Run, context: CheckContext) -> None:
    """Hold one run to its case's expected outcome; exploration judges its examples the same way."""
    case = run.case
    limit = context.settings.timeout
    profile = context.settings.profile(ROLE)
    expected = case.expect[profile]
    result = run.result
    if run.marker_created:
        raise Violation(f"code in a manifest was executed: it created {run.workspace.marker}")
    if result.broken:
        raise Violation(result.broken, FailureKind.CRASHED)
    refused_by_the_kernel = (
        case.fault is not None and case.fault["kind"] == "refuse" and result.via != "respx"
    )
    if not run.requests and not refused_by_the_kernel:
        if result.timed_out or crashed_call(result.error_type):  # hung, or broken code
            raise Violation(
                f"{result.failure}\n(it sent no request to the hub)", failure_kind(result)
            )
        raise Violation(never_reached(run), failure_kind(result))
    if expected.get("error"):
        if result.timed_out:
            raise Violation(
                f"the hub failed ({fault_text(case)}); expected a loud failure within {limit:g} s, but the resolver "
                f"was still running when the limit ran out, after {len(run.requests)} request(s) to the hub. "
                "It must set its own timeout on hub requests and give up rather than retry for ever"
                f"{own_timeout_note(case, limit)}.\n" + result.failure,
                FailureKind.OVER_LIMIT,
            )
        if not result.failed:
            raise Violation(
                f"the hub failed ({fault_text(case)}) yet the resolver "
                f"{result.answer or 'did not fail'} instead of failing loudly"
            )
        return
    if result.timed_out or result.failed:
        raise Violation(result.failure, failure_kind(result))
    if result.problem:
        raise Violation(f"malformed output: {result.problem}")
    assert result.repos is not None
    slugs = [repo["slug"] for repo in result.repos]
    want = set(expected["included"])
    either = set(expected.get("either", ()))  # parser-dependent manifests: included or not
    problems = []
    duplicates = sorted(slug for slug, count in Counter(slugs).items() if count > 1)
    if duplicates:
        problems.append(f"listed more than once: {brief(duplicates)}")
    if missing := sorted(want - set(slugs)):
        problems.append(f"missing (should be included): {brief(missing)}")
    if extra := sorted(set(slugs) - want - either):
        problems.append(f"unexpected (should be excluded): {brief(extra)}")
    paths = expected_paths(run.records, case.hostname)
    wrong = [
        f"{repo['slug']}: local_path {repo.get('local_path')!r} is not the hub's path for {case.hostname} "
        f"({', '.join(sorted(paths.get(repo['slug'], ()))) or 'none'})"
        for repo in result.repos
        if repo["slug"] in want | either
        and repo.get("local_path") not in paths.get(repo["slug"], ())
    ]
    problems.extend(wrong[:5])
    if len(wrong) > 5:
        problems.append(f"... and {len(wrong) - 5} more with the wrong local_path")
    if problems:
        raise Violation(
            f"{case.description}\nprofile {profile}; expected exactly {brief(sorted(want))}; got {brief(slugs)}\n  "
            + "\n  ".join(problems)
        )


def own_timeout_note(case: ResolverCase, limit: float) -> str:
    """For a stalled hub: the resolver's own timeout may simply be longer than the kit's limit."""
    if case.fault is None or case.fault["kind"] != "stall":
        return ""
    return (
        f"; if it does set one, that timeout may be longer than the kit's per-call limit of {limit:g} s "
        "(--kaizen-timeout): the limit must exceed the resolver's own hub timeout"
    )


def fault_text(case: ResolverCase) -> str:
    if not case.fault:
        return "no fault"
    kind = case.fault["kind"]
    described = {
        "status": f"it answered status {case.fault.get('status', 500)}",
        "not-json": "it answered a body that is not JSON",
        "not-array": "it answered JSON that is not an array",
        "stall": "it stopped answering",
        "refuse": "it refused the connection",
        "disconnect": "it hung up without answering",
        "cut-off": "it hung up in the middle of the body, after "
        f"{case.fault.get('after_records', 1)} whole record(s)",
        "redirect-loop": "it redirected in a loop",
    }
    return described.get(kind, str(kind))


def check_boundary(case: ResolverCase, context: CheckContext) -> None:
    run = run_of(context, case)
    writes = [f"{r.method} {r.path}" for r in run.requests if r.method != "GET"]
    if writes:
        raise Violation(f"sent requests other than GET to the hub: {', '.join(writes[:5])}")
    changes = trees.differences(run.before, run.after)
    if changes:
        raise Violation("changed the checkouts it read:\n  " + "\n  ".join(changes))


def check_prefilter(case: ResolverCase, context: CheckContext) -> None:
    run = run_of(context, case)
    asked = [r.param(FLAG) for r in run.requests]
    if "true" not in asked:
        queries = [dict(r.query) for r in run.requests]
        then = f"; it {run.result.failure}" if run.result.failure else ""
        raise Violation(
            f"never asked the hub for {FLAG}=true; its requests had the queries {queries}{then}",
            failure_kind(run.result),
        )


def check_deterministic(case: ResolverCase, context: CheckContext) -> None:
    runs = [run_of(context, case), execute(context, case, attempt=1, fingerprint=False)]
    listings = []
    for run in runs:
        if run.result.repos is None:
            raise Violation(
                "no output to compare: the resolver failed (see this case's outcome check): "
                + (
                    run.result.failure
                    or run.result.broken
                    or f"malformed output: {run.result.problem}"
                ),
                failure_kind(run.result),
            )
        root = str(run.workspace.root)
        listings.append(
            [
                (r["slug"], str(r.get("local_path")).replace(root, "{root}"))
                for r in run.result.repos
            ]
        )
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
