"""Resolver conformance: every case of ``fixtures/resolver/`` and every manifest of the corpus.

Each case yields one check per rule it lists (``RES-002[case]``), plus a boundary check
``RES-015[case]`` (GET only, checkouts unchanged) for every case, so ``-k RES-002`` selects
every check of RES-002. The implementation runs once per case; the case's checks share that
run, and its outcome rules share one judgement of it. That judgement attributes each wrong
item of the output to the rules of the decision-table row that decides the record, so a
mistake fails the rules it breaks and the case's other rules pass (``attributed``).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from kaizen_conformance.adapters.resolver import (
    ResolverResult,
    run_resolver,
    run_resolver_sequence,
)
from kaizen_conformance.cases.facts import Decision, decide
from kaizen_conformance.cases.resolver import SEQUENCE_RULE, ResolverCase, all_cases
from kaizen_conformance.cases.workspace import Workspace
from kaizen_conformance.core.checks import (
    Check,
    CheckContext,
    FailureKind,
    Violation,
    ahead_of,
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
    for case in sorted(all_cases(settings.extra_cases), key=slow_first):
        if profile not in case.profiles:
            continue
        rules = [r for r in case.rules if profile in catalogue[r].profiles]
        if "RES-015" not in rules:
            rules.append("RES-015")
        ahead = None if case.steps else ahead_of(run_of, case)
        for rule in rules:
            kind = CHECK_KIND.get(rule, "outcome")
            run = (
                partial(check_outcome, case, rule)
                if kind == "outcome"
                else partial(CHECKERS[kind], case)
            )
            checks.append(Check(ROLE, (rule,), case.id, run, case.description, ahead))
    return checks


def outcome_rules(case: ResolverCase, profile: str) -> tuple[str, ...]:
    """The case's rules judged by its outcome under ``profile``: the ones a wrong item can fail."""
    from kaizen_conformance import contract

    catalogue = contract.catalogue()
    return tuple(
        r
        for r in case.rules
        if profile in catalogue[r].profiles and CHECK_KIND.get(r, "outcome") == "outcome"
    )


# slug -> how the decision table decides each record of that slug, as the fleet stood at a call
Decided = dict[str, list[Decision]]


@dataclass
class LaterCall:
    """A call of a sequence case after the first: the fleet changed, the resolver called again."""

    number: int  # its place in the sequence: 2 for the call after the first step
    change: str  # what changed before it (the step's ``change``)
    records: list[Any]
    requests: list[HubRequest]
    result: ResolverResult
    before: dict[str, Any]
    after: dict[str, Any]
    decided: Decided

    def expected_for(self, case: ResolverCase, profile: str) -> Mapping[str, Any]:
        return case.outcome_at(self.number - 1, profile)


@dataclass
class Run:
    """One call of the resolver on one materialised case (the first call of a sequence case)."""

    case: ResolverCase
    workspace: Workspace
    records: list[Any]
    requests: list[HubRequest]  # what the resolver asked the hub double
    result: ResolverResult
    before: dict[str, Any]  # fingerprints of the checkouts ({} when not taken)
    after: dict[str, Any]
    marker_created: bool
    # a sequence case: the first call's records decided as the fleet stood then, and the calls after
    decided: Decided | None = None
    later: tuple[LaterCall, ...] = ()


def decided_now(case: ResolverCase, records: list[Any], profile: str) -> Decided:
    """Every record decided by the table on the fleet as it stands now (before it changes again)."""
    decided: Decided = {}
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("slug"), str):
            decided.setdefault(record["slug"], []).append(
                decide(record, hostname=case.hostname, domain=case.domain, profile=profile)
            )
    return decided


def hub_double_of(case: ResolverCase, records: list[Any]) -> HubDouble:
    """The hub double serving ``records`` as the case's hub does (its fault, path, type)."""
    return HubDouble(
        records,
        ignores=case.ignores,
        fault=case.fault,
        base_path=case.base_path,
        content_type=case.content_type,
    )


def execute_sequence(
    context: CheckContext, case: ResolverCase, attempt: int, fingerprint: bool
) -> Run:
    """A sequence case: the first call, then per step the fleet changed and the resolver called
    again (one process for a function: RES-019). Each call's evidence is taken as the fleet
    stood at that call: the checkouts' fingerprints around it and the table's decisions."""
    workspace, first = case.materialise(context.workspace_dir(f"res-{case.id}-{attempt}"))
    rosters = case.rosters(workspace, first)
    profile = context.settings.profile(ROLE)

    def print_of_tree() -> dict[str, Any]:
        return trees.fingerprint(workspace.root) if fingerprint else {}

    before, after, decided = [print_of_tree()], [], []

    def settle(call: int) -> None:
        after.append(print_of_tree())
        decided.append(decided_now(case, rosters[call], profile))

    def between(call: int) -> None:
        settle(call)
        case.change_fleet(workspace, call)
        before.append(print_of_tree())

    double = hub_double_of(case, first)  # a sequence case has no fault (loading refuses one)
    answered = run_resolver_sequence(
        context.settings,
        context.request.config,
        double,
        case.hostname,
        case.domain,
        f"resolver {case.id}",
        rosters,
        between,
    )
    while len(after) < len(rosters):  # the last call, and any not run after one past its limit
        settle(len(after))
        if len(before) < len(after):  # a call not run: nothing happened around it
            before.append(after[-1])
    (result, requests), *rest = answered
    later = tuple(
        LaterCall(
            number + 2,
            case.steps[number].change,
            rosters[number + 1],
            call_requests,
            call_result,
            before[number + 1],
            after[number + 1],
            decided[number + 1],
        )
        for number, (call_result, call_requests) in enumerate(rest)
    )
    return Run(
        case,
        workspace,
        rosters[0],
        requests,
        result,
        before[0],
        after[0],
        workspace.marker.exists(),
        decided[0],
        later,
    )


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
    if case.steps and materialised is None:
        return execute_sequence(context, case, attempt, fingerprint)
    workspace, records = materialised or case.materialise(
        context.workspace_dir(f"res-{case.id}-{attempt}")
    )
    before = trees.fingerprint(workspace.root) if fingerprint else {}
    double = hub_double_of(case, records)
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


CONNECTION_WORDS = ("refused", "errno 111", "cannot connect", "failed to establish")


def could_not_connect(result: ResolverResult) -> bool:
    """The in-process resolver raised because a connection failed (the closed port respx's
    URL points to, a host of its own): the one failure that says where its requests went."""
    text = f"{result.error_type} {result.failure}".lower()
    return "connect" in result.error_type.lower() or any(w in text for w in CONNECTION_WORDS)


def stopped_before_asking(result: ResolverResult) -> str:
    """'' unless the in-process resolver ended before any request for a reason of its own: it
    raised something other than a failed connection, or gave back an awaitable (a coroutine
    the kit could not settle). Then neither its HTTP client nor the URL is to blame."""
    if result.via == "command" or result.strays:  # it asked, elsewhere: the URL is to blame
        return ""
    if "coroutine" in result.answer or "awaitable" in result.answer:
        return f"the resolver {result.answer}, and sent no request"
    if result.failed and not could_not_connect(result):
        return f"the resolver {result.failure}\n(it raised before sending any request to the hub)"
    return ""


def never_reached(run: Run) -> str:
    """Why the double saw no request, and what to do about it, for each way of running."""
    result = run.result
    stopped = stopped_before_asking(result)
    if stopped:
        return stopped
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


@dataclass(frozen=True)
class Wrong:
    """One wrong item of a resolver's output (or a group of them with one cause): the case's
    rules it fails, and the line that says so.

    ``charged``: the rules the line names, which the summary counts it against, where the case
    checks none of them (its rules then fail so that the case cannot pass, but the failure is
    charged to the rules the line names, not to them).
    """

    rules: tuple[str, ...]
    line: str
    charged: tuple[str, ...] = ()


@dataclass(frozen=True)
class Judgement:
    """The outcome of one case's run, judged once for all of the case's outcome rules.

    ``whole``: the run gave no answer to judge item by item (it crashed, ran over the limit,
    printed malformed output, never reached the hub, or answered a failing hub): every
    outcome rule fails with it. Otherwise ``header`` and the ``wrong`` items, each failing
    only the rules it is attributed to.
    """

    whole: tuple[str, FailureKind] | None = None
    header: str = ""
    wrong: tuple[Wrong, ...] = ()


def check_outcome(case: ResolverCase, rule: str, context: CheckContext) -> None:
    profile = context.settings.profile(ROLE)
    judgement: Judgement = context.remember(
        (ROLE, "judgement", case.id, profile), lambda: judge(case, context)
    )
    if judgement.whole is not None:
        raise Violation(*judgement.whole)
    failure = failure_text(judgement, rule)
    if failure:
        mine = [w for w in judgement.wrong if rule in w.rules]
        if all(w.charged for w in mine):
            # every line names rules this case does not check: the failure is theirs
            charged = tuple(sorted({r for w in mine for r in w.charged}))
            raise Violation(
                f"{failure}\n(charged to {', '.join(charged)}, which the lines above name; this "
                f"case checks {', '.join(outcome_rules(case, profile))})",
                charged=charged,
            )
        raise Violation(failure)


def failure_text(judgement: Judgement, rule: str) -> str:
    """What a judged output's failure of ``rule`` says ("" when its wrong items spare the rule):
    the header, the wrong items attributed to ``rule``, and the case's other rules they fail.
    Exploration words an explored failure with it, as the golden check would word it."""
    mine = [w.line for w in judgement.wrong if rule in w.rules]
    if not mine:
        return ""
    others = sorted({r for w in judgement.wrong for r in w.rules} - {rule})
    also = f"\n(the same run also fails {', '.join(others)} of this case)" if others else ""
    return judgement.header + "\n  " + "\n  ".join(mine) + also


def judge(case: ResolverCase, context: CheckContext, run: Run | None = None) -> Judgement:
    """The case's run (``run``, or the case's one shared run) judged for all of its outcome
    rules; exploration judges each example's own run here."""
    try:
        return Judgement(**judged_output(case, context, run))
    except Violation as violation:
        return Judgement(whole=(str(violation), violation.kind))


def judged_output(
    case: ResolverCase, context: CheckContext, run: Run | None = None
) -> dict[str, Any]:
    """``header`` and ``wrong`` items of a run that answered; raises ``Violation`` for a run whose
    failure cannot be attributed item by item (it fails every outcome rule of the case).
    ``run``: a run made already (an explored example's); by default the case's shared run."""
    run = run if run is not None else run_of(context, case)
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
        return {}
    if result.timed_out or result.failed:
        raise Violation(result.failure, failure_kind(result))
    if result.problem:
        raise Violation(f"malformed output: {result.problem}")
    assert result.repos is not None
    slugs = [repo["slug"] for repo in result.repos]
    want = set(expected["included"])
    header = (
        f"{case.description}\nprofile {profile}; expected exactly {quoted(sorted(want))}; "
        f"got {quoted(slugs)}"
    )
    answer = Answer(run.records, result.repos, expected, run.decided)
    wrong = wrong_items(case, answer, profile, slugs)
    answers = [answer]
    for call in run.later:
        header_lines, call_wrong = judged_later_call(case, call, profile, answers)
        header += header_lines
        wrong += call_wrong
    return {"header": header, "wrong": tuple(wrong)}


@dataclass(frozen=True)
class Answer:
    """One answer to judge: the hub's records at its call, what the resolver returned, what it
    should have, and the records as the table decided them then (``None``: decide them now)."""

    records: list[Any]
    repos: list[Mapping[str, Any]]
    expected: Mapping[str, Any]
    decided: Decided | None = None

    def listing(self) -> list[tuple[str, str]]:
        return sorted((str(r["slug"]), str(r.get("local_path"))) for r in self.repos)


def judged_later_call(
    case: ResolverCase, call: LaterCall, profile: str, answers: list[Answer]
) -> tuple[str, list[Wrong]]:
    """A later call of a sequence case judged on the fleet as it stood at that call: its header
    lines, and its wrong items, each failing RES-019 besides the rules of the row that decides it.
    Raises ``Violation`` for a call that gave no answer (it fails every outcome rule, as one call does).
    """
    result = call.result
    when = f"call {call.number} of the sequence, after: {call.change}"
    if result.broken:
        raise Violation(f"{when}: {result.broken}", FailureKind.CRASHED)
    if result.timed_out or result.failed:
        raise Violation(f"{when}: {result.failure}", failure_kind(result))
    if result.problem:
        raise Violation(f"{when}: malformed output: {result.problem}")
    assert result.repos is not None
    answer = Answer(call.records, result.repos, call.expected_for(case, profile), call.decided)
    slugs = [repo["slug"] for repo in result.repos]
    wrong = [
        Wrong(tuple(dict.fromkeys((*w.rules, SEQUENCE_RULE))), f"at call {call.number}: {w.line}")
        for w in wrong_items(case, answer, profile, slugs)
    ]
    answers.append(answer)
    if not wrong:
        return "", []
    header = (
        f"\n{when}: expected exactly {quoted(sorted(answer.expected['included']))}; "
        f"got {quoted(slugs)}"
    )
    earlier = [
        n + 1 for n, before in enumerate(answers[:-1]) if before.listing() == answer.listing()
    ]
    if earlier:
        header += (
            f" — the very answer of call {earlier[-1]}, before the change: each call decides from "
            "the fleet as it is at that call, never from a cache of an earlier call's roster or "
            f"manifests ({SEQUENCE_RULE}, section 7)"
        )
    if not call.requests:
        header += "; it sent no request to the hub at this call"
    return header, wrong


def quoted(values: list[str], limit: int = 12) -> str:
    """Slugs or paths for a message, each quoted (an empty slug shows as ''), bounded by ``brief``."""
    return brief([repr(v) for v in values], limit)


# The ways a slug of the output can be wrong, and the outcomes of the rows that explain each.
WRONG_WAYS = {"included": ("excluded", "skipped"), "missing": ("included",)}


def wrong_items(case: ResolverCase, answer: Answer, profile: str, slugs: list[str]) -> list[Wrong]:
    """Every way the output differs from the case's expectation, each with the rules it breaks.

    What the output should be is the case's ``expect`` (held to the decision table by the kit's
    tests); which rules a difference breaks is the table's: the row that decides the record.
    Slugs wrong for the same reason make one item: 5,000 missing repos are one line.
    """
    expected = answer.expected
    want = set(expected["included"])
    either = set(expected.get("either", ()))  # parser-dependent manifests: included or not
    covered = outcome_rules(case, profile)
    by_slug: dict[str, list[Any]] = {}
    for record in answer.records:
        if isinstance(record, dict) and isinstance(record.get("slug"), str):
            by_slug.setdefault(record["slug"], []).append(record)
    listed = {"included": sorted(set(slugs) - want - either), "missing": sorted(want - set(slugs))}
    explained: dict[tuple[str, int], tuple[Decision, list[str]]] = {}
    unexplained: dict[str, list[str]] = {}
    for way, wrong_slugs in listed.items():
        for slug in wrong_slugs:
            decisions = (
                answer.decided.get(slug, [])
                if answer.decided is not None
                else (
                    decide(r, hostname=case.hostname, domain=case.domain, profile=profile)
                    for r in by_slug.get(slug, ())
                )
            )
            deciding = [d for d in decisions if d.row.outcome in WRONG_WAYS[way]]
            if deciding:
                key = (way, deciding[0].row.number)
                explained.setdefault(key, (deciding[0], []))[1].append(slug)
            else:
                unexplained.setdefault(way, []).append(slug)
    wrong = [
        Wrong(
            attributed(decision.row.rules, covered, manifest="manifest" in decision.row.when),
            f"{quoted(group)} {way}, but should be {decision.row.outcome}: "
            f"{decision.deciding_facts()} — {decision.row.because} "
            f"(decision table row {decision.row.number}: {', '.join(decision.row.rules)}"
            f"{manifest_rules_note(decision, covered)})",
            charged_elsewhere(
                decision.row.rules, covered, manifest="manifest" in decision.row.when
            ),
        )
        for (way, _), (decision, group) in explained.items()
    ]
    for way, group in unexplained.items():
        wrong.append(
            Wrong(
                attributed((), covered),
                unexplained_line(way, group, by_slug),
                charged_elsewhere((), covered),
            )
        )
    duplicates = sorted(slug for slug, count in Counter(slugs).items() if count > 1)
    if duplicates:
        wrong.append(
            Wrong(
                attributed(("RES-014",), covered),
                f"listed more than once: {quoted(duplicates)} — an included repo appears once, "
                "even when the hub lists its slug twice (RES-014)",
                charged_elsewhere(("RES-014",), covered),
            )
        )
    paths = expected_paths(answer.records, case.hostname)
    misplaced = [
        f"{repo['slug']!r}: local_path {repo.get('local_path')!r} is not the hub's path for "
        f"{case.hostname!r} ({quoted(sorted(paths.get(repo['slug'], ())), 3)}): an included repo "
        "has this hostname's host path exactly as the hub gave it (RES-001)"
        for repo in answer.repos
        if repo["slug"] in want | either
        and repo.get("local_path") not in paths.get(repo["slug"], ())
    ]
    if len(misplaced) > 5:
        misplaced[5:] = [f"... and {len(misplaced) - 5} more with the wrong local_path"]
    wrong.extend(
        Wrong(attributed(("RES-001",), covered), line, charged_elsewhere(("RES-001",), covered))
        for line in misplaced
    )
    return wrong


def unexplained_line(way: str, slugs: list[str], by_slug: Mapping[str, list[Any]]) -> str:
    """A wrong slug no row of the decision table accounts for: the case's expectation alone says so."""
    if way == "missing":
        return f"{quoted(slugs)} missing, but should be included (the case expects it)"
    invented = [slug for slug in slugs if slug not in by_slug]
    others = [slug for slug in slugs if slug in by_slug]
    lines = []
    if invented:
        lines.append(f"{quoted(invented)} included, but the hub listed no such slug (RES-001)")
    if others:
        lines.append(f"{quoted(others)} included, but should be excluded (the case expects it)")
    return "\n  ".join(lines)


def attributed(
    rules: tuple[str, ...], covered: tuple[str, ...], *, manifest: bool = False
) -> tuple[str, ...]:
    """The case's outcome rules that a wrong item breaks: those of the row that decides it.

    A record decided by its manifest also breaks the case's manifest rules (SCH-*) and RES-016:
    they are about that very manifest (the corpus's cases each hold one). An item whose rules
    the case does not cover counts against RES-001 (a repo is included iff the table says so),
    or, in a case without RES-001, against every outcome rule of the case: never dropped (the
    summary then charges it to the rules its line names: ``charged_elsewhere``).
    """
    mine = own_rules(rules, covered, manifest=manifest)
    if mine:
        return mine
    return ("RES-001",) if "RES-001" in covered else covered


def own_rules(
    rules: tuple[str, ...], covered: tuple[str, ...], *, manifest: bool = False
) -> tuple[str, ...]:
    """The case's outcome rules a wrong item is about: its row's, and (decided by its manifest)
    the case's manifest rules and RES-016; none when the case checks none of them."""
    from kaizen_conformance import contract

    catalogue = contract.catalogue()
    about = set(rules)
    if manifest:
        about |= {r for r in covered if r == "RES-016" or catalogue[r].role == "manifest"}
    return tuple(r for r in covered if r in about)


def manifest_rules_note(decision: Decision, covered: tuple[str, ...]) -> str:
    """ "; and this case's manifest: SCH-004" where a record decided by its manifest also fails
    the case's manifest rules, so the line names every rule it fails."""
    manifest = "manifest" in decision.row.when
    more = [
        r
        for r in own_rules(decision.row.rules, covered, manifest=manifest)
        if r not in decision.row.rules
    ]
    return f"; and this case's manifest: {', '.join(more)}" if manifest and more else ""


def charged_elsewhere(
    rules: tuple[str, ...], covered: tuple[str, ...], *, manifest: bool = False
) -> tuple[str, ...]:
    """The rules a wrong item is charged to when the case checks none of the rules it is about
    (``()`` when it does): the row's rules and RES-001 (a repo is included iff the table says
    so), which the summary then counts it against instead of the case's own."""
    if own_rules(rules, covered, manifest=manifest):
        return ()
    return tuple(sorted(set(rules) | {"RES-001"}))


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
        "redirect": "it answered a redirect to /repos/moved/, which serves the roster: the contract "
        "counts any answer that is not 2xx, a redirect included, as a failing hub; a client that "
        "follows redirects by default (requests, fetch, httpx with follow_redirects) must not",
        "redirect-loop": "it redirected in a loop",
    }
    return described.get(kind, str(kind))


def boundary_problem(run: Run) -> str | None:
    """What a run did beyond reading (RES-015): requests other than GET, checkouts changed.
    Needs a run made with ``fingerprint=True``. A sequence case's calls are each held to it
    (the fleet changes between them on purpose, never during one)."""
    calls = [("", run.requests, run.before, run.after)] + [
        (f"at call {c.number}: ", c.requests, c.before, c.after) for c in run.later
    ]
    for when, requests, before, after in calls:
        writes = [f"{r.method} {r.path}" for r in requests if r.method != "GET"]
        if writes:
            return f"{when}sent requests other than GET to the hub: {', '.join(writes[:5])}"
        changes = trees.differences(before, after)
        if changes:
            return f"{when}changed the checkouts it read:\n  " + "\n  ".join(changes)
    return None


def order_problem(repos: list[Mapping[str, Any]]) -> str | None:
    """RES-018's order: by slug, as strings compare (code point by code point)."""
    slugs = [str(r.get("slug")) for r in repos]
    if slugs != sorted(slugs):
        return f"output is not ordered by slug: {slugs} (ordered: {sorted(slugs)})"
    return None


def check_boundary(case: ResolverCase, context: CheckContext) -> None:
    problem = boundary_problem(run_of(context, case))
    if problem:
        raise Violation(problem)


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
    unordered = order_problem(runs[0].result.repos or [])
    if unordered:
        raise Violation(unordered)
    if listings[0] != listings[1]:
        raise Violation(f"two runs on identical inputs differ:\n  {listings[0]}\n  {listings[1]}")


CHECKERS = {
    "boundary": check_boundary,
    "prefilter": check_prefilter,
    "deterministic": check_deterministic,
}


# --------------------------------------------------------------------------- patterns across cases


def empty_domain_hint(
    failed: set[str], passed: set[str], profile: str, extra: Path | None = None
) -> str:
    """What to check when the answers are wrong exactly in the cases that give no domain.

    A resolver that reads the empty ``{domain}`` argument (or ``KAIZEN_DOMAIN=""``) as a domain
    named "" filters every record out where no domain was asked, and nothing else: every case
    without a domain that expects a repo fails, every case with one passes. Each failure alone
    says only "missing"; the pattern names the cause. ``failed``/``passed``: case ids whose
    checks failed / all passed.
    """
    cases = {case.id: case for case in all_cases(extra)}
    judged = [cases[c] for c in failed | passed if c in cases and profile in cases[c].profiles]
    with_domain = [c for c in judged if c.domain]
    expecting = [
        c
        for c in judged
        if not c.domain
        and not c.expect[profile].get("error")
        and c.expect[profile].get("included")
        and outcome_rules(c, profile)  # judged by what it answers (not only its order, say)
    ]
    if len(expecting) < 2 or not with_domain:
        return ""
    if any(c.id in failed for c in with_domain) or any(c.id not in failed for c in expecting):
        return ""
    return (
        f"every case without a domain that expects a repo failed ({len(expecting)}), and every "
        f"case with a domain passed ({len(with_domain)}): check how the resolver reads an empty "
        "{domain} — with no domain given, {domain} is an empty argument and KAIZEN_DOMAIN is "
        '"", which mean no domain (all domains), not a domain named "" (section 5)'
    )


# --------------------------------------------------------------------------- preflight


def preflight_case(profile: str, selected: set[str] | None) -> ResolverCase | None:
    """The plainest case of the run: a hub that answers, no generated roster, no corpus
    manifest, a list to return. Any resolver that runs at all asks the hub there. Only a case
    the run selected (``None``: any case), so the preflight costs no run the checks would not
    make anyway."""
    plain = [
        case
        for case in all_cases()
        if (selected is None or case.id in selected)
        and profile in case.profiles
        and case.fault is None
        and not case.generated
        and case.manifest is None
        and not case.expect[profile].get("error")
    ]
    return min(plain, key=lambda case: case.id, default=None)


def preflight(context: CheckContext) -> str:
    """A resolver that never reached the hub double on a plain case is set up wrong, not judged.

    Under respx its HTTP client is not httpx; as a command or under the server double it asks
    a hub of its own instead of the URL it is given. Every check would fail with the same
    "never reached" (and the boundary check would pass on nothing sent): one configuration
    error says the fix instead. A resolver that crashed or hung before asking is left to the
    checks, which report it as such. The run is the case's own, shared with its checks.
    """
    from kaizen_conformance.core.stash import CHECK, EXPLORE

    session = context.request.session
    selected = {
        item.stash[CHECK].case
        for item in session.items
        if CHECK in item.stash and item.stash[CHECK].role == ROLE
    }
    profile = context.settings.profile(ROLE)
    case = preflight_case(profile, selected)
    if case is None and any(item.stash.get(EXPLORE, "") == ROLE for item in session.items):
        # Exploring with no plain case selected (-k explore): one run of the plainest case more,
        # so a resolver set up wrong is this one configuration error, not an explored "failure"
        # of every example.
        case = preflight_case(profile, None)
    if case is None:  # a run narrowed to fault cases: their checks say "never reached" themselves
        return ""
    run = run_of(context, case)
    result = run.result
    crashed = (
        result.timed_out
        or bool(result.broken)
        or crashed_call(result.error_type)
        or (result.via == "command" and result.failed)
    )
    if run.requests or result.strays or crashed or stopped_before_asking(result):
        return ""  # the checks say what it did: no blame on its HTTP client or the URL
    if result.via == "respx":
        return f"on case {case.id}, {never_reached(run)}"
    then = f"\nit then {result.failure}" if result.failure else ""
    return (
        f"on case {case.id}, the resolver never sent a request to the hub URL it was given "
        f"({result.hub_url}). Fix: fetch repos/ below that URL (the hub_url argument, {{hub_url}} "
        f"or $KAIZEN_HUB_URL), not a hub of the resolver's own configuration{then}"
    )
