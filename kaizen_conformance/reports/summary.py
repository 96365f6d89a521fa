"""Rule-by-rule verdicts per role, aggregated from test reports.

Reports reach the controller from every pytest-xdist worker, so the verdicts (and every
report built on them) are the same whether the run was distributed or not.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from kaizen_conformance import CONTRACT_VERSION, contract
from kaizen_conformance.adapters.offline import role_enforcement
from kaizen_conformance.core.checks import FailureKind
from kaizen_conformance.core.options import ROLES
from kaizen_conformance.core.vocabulary import (
    FAILING,
    LEVELS,
    OUTCOME_ORDER,
    Level,
    Outcome,
    RoleVerdict,
    Verdict,
)
from kaizen_conformance.reports.identity import identity
from kaizen_conformance.runtime.sandbox import AUDIT_HOOK_ONLY

XDIST_HEADER = re.compile(r"^\[gw\d+\] .*\n")
LABEL: dict[Verdict, str] = {
    "failed": "FAILED",
    "error": "ERROR",
    "expected-failure": "KNOWN-FAIL",
    "not-met": "NOT-MET",
    "skipped": "skipped",
    "incomplete": "partial",
    "not-run": "not run",
    "passed": "passed",
}


@dataclass
class ItemResult:
    name: str
    role: str
    rules: tuple[str, ...]
    level: Level
    case: str
    outcome: Outcome | None = None
    duration: float = 0.0
    message: str = ""
    kind: str = ""  # a FailureKind value, when the check found a violation
    configuration_error: str = ""  # the configuration error that stopped the item's role
    # the rules a failure is charged to when they are not the item's own (Violation.charged)
    charged: tuple[str, ...] = ()

    def counts_for(self, rule: str) -> bool:
        """Whether the item is one of ``rule``'s cases: its own rules, and the rules its
        failure is charged to."""
        return rule in self.rules or (self.outcome in FAILING and rule in self.charged)

    def outcome_for(self, rule: str) -> Outcome | None:
        """The item's outcome as a case of ``rule``: a failure charged to other rules only is
        no failure of the item's own rule (its lines name none of it)."""
        if self.charged and self.outcome in FAILING and rule not in self.charged:
            return "passed"
        return self.outcome

    @property
    def failure_kind(self) -> str:
        """What happened when the item failed: the check's own kind, or kit-error when the kit broke."""
        if self.outcome not in FAILING:
            return ""
        return self.kind or FailureKind.KIT_ERROR.value

    def reason(self) -> str:
        """The violation's own first line (after ``case <id>: ``), for a summary line."""
        marker = f"case {self.case}: "
        for line in self.message.splitlines():
            if marker in line:
                return line.split(marker, 1)[1].strip()
        return next((line.strip() for line in self.message.splitlines() if line.strip()), "")


@dataclass
class ExploredResult:
    """What exploration of one role found (``explore[<role>]``), kept apart from the golden verdicts.

    ``outcome``: ``clean`` (the budget found nothing), ``found`` (a shrunk failure, in
    ``finding``: rule, case, message, examples_to_find, written), ``error`` (the kit failed)
    or ``not-run`` (skipped: deselected, or the role has a configuration error, which then
    stops the role as a golden item's would: ``configuration_error``).
    """

    role: str
    outcome: str = "clean"
    examples: int = 0
    finding: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    configuration_error: str = ""

    def lines(self) -> list[str]:
        """The summary's lines for it: below the role's verdict, never inside it."""
        if self.outcome == "not-run":
            return [
                f"  explored: not run ({self.message.splitlines()[0] if self.message else 'skipped'})"
            ]
        if self.outcome == "error":
            # the exception, which a traceback ends with (pytest's own marks it "E ")
            lines = [line.strip() for line in self.message.splitlines() if line.strip()]
            raised = [line[1:].strip() for line in lines if line.startswith("E ")]
            what = (raised or lines or [""])[-1]
            return [f"  explored: ERROR (the kit's exploration failed): {what[:300]}"]
        if self.outcome == "clean":
            return [f"  explored: no failure in {counted(self.examples, 'example')}"]
        found = self.finding
        lines = [
            f"  explored: FOUND {found['rule']} broken (after {counted(found['examples_to_find'], 'example')}, "
            f"seed {found['seed']}; shrunk case {found['case']})"
        ]
        first = next(
            (line.strip() for line in found["message"].splitlines()[1:] if line.strip()), ""
        )
        if first:
            lines.append(f"{'':13}{first[:200]}")
        lines.append(
            f"{'':13}written: {found['written']}"
            if found["written"]
            else f"{'':13}give --kaizen-explore-out=DIR to have it written as a ready case"
        )
        return lines


@dataclass
class RuleVerdict:
    rule: contract.Rule
    verdict: Verdict
    cases_passed: int = 0
    cases_total: int = 0
    failed_cases: list[str] = field(default_factory=list)
    skip_reason: str = ""
    # FailureKind value -> (cases failed that way, the first such failure's reason)
    kinds: dict[str, tuple[int, str]] = field(default_factory=dict)

    def kind_lines(self) -> list[str]:
        """``RES-001: crashed in 41 cases — `TypeError: ...```: how the rule failed, kind by kind."""
        lines = []
        for kind, (count, reason) in sorted(self.kinds.items()):
            cases = f"{count} case{'s' if count != 1 else ''}"
            line = f"{self.rule.id}: {kind.replace('-', ' ')} in {cases}"
            if kind != FailureKind.WRONG_ANSWER.value and reason:
                line += f" — `{reason[:160]}`"
            lines.append(line)
        return lines


@dataclass
class RoleSummary:
    role: str
    profile: str | None
    configured: bool
    implementation: dict[str, str | None] | None
    rules: list[RuleVerdict]
    configuration_error: str = ""  # what stopped the role before any rule was judged, and the fix
    explored: ExploredResult | None = None
    explore_strict: bool = False  # --kaizen-explore-strict: a failure explored turns the verdict
    # how the role's offline rule is enforced ({"network", "note"}), for a configured role that has one
    enforcement: dict[str, str] | None = None
    # what a pattern across the failed cases points at (no verdict: words for the reader)
    hints: list[str] = field(default_factory=list)

    @property
    def hook_only(self) -> str:
        """ " (offline rules judged by the Python audit hook only)" beside the verdict of a
        command neither a network namespace nor the seccomp filter held offline; else ""."""
        if self.enforcement and self.enforcement["network"] == "audit-hook-only":
            return f" ({AUDIT_HOOK_ONLY})"
        return ""

    @property
    def verdict(self) -> RoleVerdict:
        if not self.configured:
            return "not-configured"
        if self.configuration_error:
            return "configuration-error"
        if self.explored_failure:
            return "does-not-conform"
        must = [v for v in self.rules if v.rule.is_must]
        if any(v.verdict in ("failed", "expected-failure") for v in must):
            return "does-not-conform"
        if must and all(v.verdict == "passed" for v in must):
            return "conforms"
        return "incomplete"

    @property
    def explored_failure(self) -> bool:
        """A failure exploration found that counts (``--kaizen-explore-strict``); without it,
        what exploration finds never turns the verdict or the exit status."""
        return (
            self.explore_strict and self.explored is not None and self.explored.outcome == "found"
        )

    def counts(self, level: Level) -> Counter[Verdict]:
        return Counter(v.verdict for v in self.rules if v.rule.level == level)

    @property
    def passed(self) -> int:
        return sum(v.verdict == "passed" for v in self.rules)


def verdict_of(results: list[ItemResult], rule: str | None = None) -> Verdict:
    """A rule's verdict from its cases' outcomes (``rule``: as cases of that rule, a failure
    charged elsewhere being no failure of it)."""
    if not results:
        return "not-run"
    outcomes = Counter(r.outcome if rule is None else r.outcome_for(rule) for r in results)
    for outcome in OUTCOME_ORDER[:4]:  # the failing outcomes, worst first
        if outcomes[outcome]:
            return outcome
    if outcomes["passed"] == len(results):
        return "passed"
    if outcomes["skipped"] == len(results):
        return "skipped"
    return "incomplete"


def summarise(
    items: list[ItemResult], settings: Any, explored: dict[str, ExploredResult] | None = None
) -> list[RoleSummary]:
    """One summary per role that has checks in this run, in contract order; what exploration
    found rides along (``explored``), and counts only under ``--kaizen-explore-strict``."""
    explored = explored or {}
    summaries = []
    for role in ROLES:
        mine = [i for i in items if i.role == role]
        if not mine and role not in explored:
            continue
        profile = settings.profile(role) if role in ("resolver", "hub") else None
        verdicts = []
        for rule in contract.rules_for(role, profile):
            of_rule = [i for i in mine if i.counts_for(rule.id)]
            failing = [i for i in of_rule if i.outcome_for(rule.id) in FAILING]
            verdicts.append(
                RuleVerdict(
                    rule=rule,
                    verdict=verdict_of(of_rule, rule.id),
                    cases_passed=sum(i.outcome_for(rule.id) == "passed" for i in of_rule),
                    cases_total=len(of_rule),
                    failed_cases=sorted(i.case for i in failing),
                    skip_reason=next(
                        (i.message for i in of_rule if i.outcome == "skipped" and i.message), ""
                    ),
                    kinds=failure_kinds(failing),
                )
            )
        target = settings.target(role)
        implementation: dict[str, str | None] | None = (
            {
                "kind": target.kind,
                "spec": target.spec,
                "origin": target.origin,
                **identity(target, settings.options),
            }
            if target is not None
            else None
        )
        enforcement = role_enforcement(settings, role)
        stopped = next((i.configuration_error for i in mine if i.configuration_error), "")
        if not stopped and role in explored:
            stopped = explored[role].configuration_error  # met by the exploration item first
        if stopped:
            # Checks that ran before the role stopped judged an implementation the run could not
            # drive: none of them is a pass (or a failure) of its rule.
            for verdict in verdicts:
                verdict.verdict = "error"
        summaries.append(
            RoleSummary(
                role,
                profile,
                target is not None,
                implementation,
                verdicts,
                stopped,
                explored.get(role),
                bool(settings.options.explore_strict),
                enforcement,
                hints=[] if stopped else pattern_hints(role, mine, profile, settings),
            )
        )
    return summaries


def pattern_hints(
    role: str, items: list[ItemResult], profile: str | None, settings: Any
) -> list[str]:
    """Hints that only the failures of several cases together give (a resolver wrong exactly
    where no domain is given); none where no pattern holds: never a guess."""
    if role != "resolver" or profile is None:
        return []
    from kaizen_conformance.roles.resolver import empty_domain_hint

    failed = {i.case for i in items if i.outcome in FAILING}
    passed = {i.case for i in items if i.outcome == "passed"} - failed
    if not failed:
        return []
    hint = empty_domain_hint(failed, passed, profile, getattr(settings, "extra_cases", None))
    return [hint] if hint else []


def failure_kinds(results: list[ItemResult]) -> dict[str, tuple[int, str]]:
    kinds: dict[str, tuple[int, str]] = {}
    for result in sorted(results, key=lambda r: r.case):
        kind = result.failure_kind
        if kind:
            count, reason = kinds.get(kind, (0, result.reason()))
            kinds[kind] = (count + 1, reason)
    return kinds


def outcome_of(report: pytest.TestReport, previous: Outcome | None) -> Outcome | None:
    if report.failed:
        # a failure outside the check itself (a seed that raises, a hub that will not start) is a
        # configuration error: the rule was not judged, which is neither a pass nor a failure
        return "failed" if report.when == "call" or previous == "failed" else "error"
    if hasattr(report, "wasxfail") and report.skipped:
        if previous == "failed":
            return previous
        return "expected-failure" if str(report.wasxfail).startswith("known failure") else "not-met"
    if report.skipped:
        return previous or "skipped"
    if report.when == "call":
        return previous or "passed"
    return previous


COUNT_LABEL: dict[Verdict, str] = {
    "passed": "passed",
    "failed": "failed",
    "error": "not judged (errors)",
    "expected-failure": "known failures",
    "not-met": "not met",
    "skipped": "skipped",
    "incomplete": "partial",
    "not-run": "not run",
}
# The labels that change for a count of one ("1 known failure", not "1 known failures").
COUNT_LABEL_ONE: dict[Verdict, str] = {
    "error": "not judged (error)",
    "expected-failure": "known failure",
}


def counted(count: int, one: str, many: str | None = None) -> str:
    """``count`` with the word in its number: "1 rule", "2 rules", "0 rules"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def count_label(count: int, verdict: Verdict) -> str:
    return f"{count} {COUNT_LABEL_ONE.get(verdict, COUNT_LABEL[verdict]) if count == 1 else COUNT_LABEL[verdict]}"


HEADLINE: dict[RoleVerdict, str] = {
    "conforms": "CONFORMS",
    "does-not-conform": "DOES NOT CONFORM",
    "incomplete": "INCOMPLETE: some MUST rules were not checked (deselected, skipped, not run or errors)",
    "not-configured": "NOT CONFIGURED (not a pass)",
    "configuration-error": "CONFIGURATION ERROR: the run is set up so that no rule could be judged",
}


# The order of the rule lines: failures first, then the rules not (fully) judged, passes last.
SHOWN_ORDER: tuple[Verdict, ...] = (
    "failed",
    "error",
    "expected-failure",
    "not-met",
    "incomplete",
    "skipped",
    "not-run",
    "passed",
)


def fix_lines(message: str) -> list[str]:
    """A configuration error as a summary shows it: its sentences, not the traceback under them
    (the one ERROR of the run shows that in full)."""
    lines = []
    for line in message.splitlines()[:4]:
        if line[:1].isspace() or line.startswith("Traceback"):
            break
        lines.append(line)
    return lines


def role_lines(summary: RoleSummary, verbose: bool) -> list[str]:
    """The terminal table of one role: failures first, then (verbose) every rule."""
    claim = f"profile {summary.profile}" if summary.profile else f"contract v{CONTRACT_VERSION}"
    impl = summary.implementation
    how = f"{impl['spec']} ({impl['kind']}, from {impl['origin']})" if impl else "not configured"
    lines = [f"{summary.role} ({claim}): {how}"]
    if summary.configuration_error:
        # The fix, not a table of rules none of which was judged.
        lines.append("  configuration error (no rule was judged, none passed):")
        lines.extend(f"    {line}" for line in fix_lines(summary.configuration_error))
        lines.append(f"  verdict: {HEADLINE['configuration-error']}")
        return lines
    for level in LEVELS:
        counts = summary.counts(level)
        total = sum(counts.values())
        if not total:
            continue
        parts = [
            count_label(counts[k], k) for k in COUNT_LABEL if counts[k] or k in ("passed", "failed")
        ]
        lines.append(f"  {level:<6} {counted(total, 'rule'):>9}: {', '.join(parts)}")
    order = {v: i for i, v in enumerate(SHOWN_ORDER)}
    shown = sorted(summary.rules, key=lambda v: (order[v.verdict], v.rule.id))
    for verdict in shown:
        if verdict.verdict == "passed" and not verbose:
            continue
        if verdict.verdict in ("skipped", "not-run") and not verbose and not summary.configured:
            continue
        lines.append(
            f"  {LABEL[verdict.verdict]:<10} {verdict.rule.id} {verdict.rule.level:<6} "
            f"{verdict.cases_passed}/{counted(verdict.cases_total, 'case')}  {verdict.rule.text}"
        )
        if verdict.verdict == "skipped" and verdict.skip_reason and summary.configured:
            lines.append(f"{'':13}why: {verdict.skip_reason}")
        if verdict.failed_cases:
            more = len(verdict.failed_cases) - 8
            lines.append(
                f"{'':13}cases: {', '.join(verdict.failed_cases[:8])}"
                + (f" (+{more} more)" if more > 0 else "")
            )
            lines.extend(f"{'':13}{line}" for line in verdict.kind_lines())
    headline = HEADLINE[summary.verdict]
    if summary.verdict == "not-configured":
        from kaizen_conformance.core.options import unconfigured_reason

        headline = f"NOT CONFIGURED — {unconfigured_reason(summary.role)}"
    lines.extend(f"  hint: {hint}" for hint in summary.hints)
    if summary.explored is not None:
        lines.extend(summary.explored.lines())
        if summary.explored.outcome == "found" and not summary.explore_strict:
            lines.append(f"{'':13}(apart from the verdict: --kaizen-explore-strict makes it count)")
    lines.append(f"  verdict: {headline}{summary.hook_only}")
    return lines


def exit_status(
    summaries: list[RoleSummary],
    current: int,
    allow_incomplete: bool,
    kit_changed: list[str] | None = None,
) -> tuple[int, str]:
    """The run's exit status from the roles' verdicts, and the summary line that says why.

    CI reads the status alone, so it must carry the verdict: CONFORMS exits 0; DOES NOT CONFORM
    and CONFIGURATION ERROR exit 1; INCOMPLETE (rules deselected, skipped or not run) exits 1
    unless ``--kaizen-allow-incomplete`` accepts it. A role failing only on its known failures
    (``--kaizen-expectations``) exits 0: the list was written to accept exactly those. Roles not
    configured are no claim and do not count. A status pytest set for its own reasons
    (interrupted, internal or usage error) stays.

    A run during which the kit's own files changed (``kit_changed``) has no verdict at all: the
    files that judged it are not the ones it started with. It exits 1 (a kit error, not a
    verdict on the implementation), whatever the roles' verdicts say.
    """
    if kit_changed:
        status = (
            int(current)
            if current not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
            else int(pytest.ExitCode.TESTS_FAILED)
        )
        return status, (
            f"kaizen exit status {status}: the kit's own files changed during the run "
            f"({counted(len(kit_changed), 'file')}, listed above): no verdict of this run stands "
            "(a kit error, not a verdict on the implementation)"
        )
    judged = [s for s in summaries if s.configured]
    if not judged or current not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return current, ""

    def named(verdict: RoleVerdict) -> list[str]:
        return [s.role for s in judged if s.verdict == verdict]

    broken, failing, partial = (
        named("configuration-error"),
        named("does-not-conform"),
        named("incomplete"),
    )
    known_only = [
        s.role
        for s in judged
        if s.verdict == "does-not-conform"
        and not s.explored_failure
        and not any(v.verdict == "failed" for v in s.rules if v.rule.is_must)
    ]
    status = int(current)
    reasons = [f"{role} CONFIGURATION ERROR" for role in broken]
    reasons += [f"{role} DOES NOT CONFORM" for role in failing if role not in known_only]
    if broken or set(failing) - set(known_only):
        status = pytest.ExitCode.TESTS_FAILED
    accepted = []
    if partial:
        text = f"{', '.join(partial)} INCOMPLETE (MUST rules deselected, skipped or not run)"
        if allow_incomplete:
            accepted.append(f"{text}, accepted by --kaizen-allow-incomplete")
        else:
            status = pytest.ExitCode.TESTS_FAILED
            reasons.append(f"{text}; --kaizen-allow-incomplete accepts it")
    accepted += [
        f"{role} DOES NOT CONFORM on known failures only (--kaizen-expectations)"
        for role in known_only
    ]
    if status == pytest.ExitCode.OK:
        why = accepted or [f"{', '.join(named('conforms'))} CONFORMS"]
        return status, f"kaizen exit status 0: {'; '.join(why)}"
    if not reasons:  # pytest's own failures: a check that errored, a stale known failure
        reasons = ["failures or errors outside the verdicts above"]
    return status, f"kaizen exit status {int(status)}: {'; '.join(reasons)}"


def kit_changed_lines(changed: list[str], limit: int = 20) -> list[str]:
    """The terminal's words for a kit changed during the run, file by file."""
    lines = [
        "kaizen: the kit's own files changed during this run, so no verdict above stands "
        "(a kit error, not a verdict on the implementation; reinstall the kit if it is installed):"
    ]
    lines += [f"  {path}" for path in changed[:limit]]
    if len(changed) > limit:
        lines.append(f"  (+{len(changed) - limit} more)")
    return lines


def with_unwritten_reports(status: int, line: str, unwritten: list[str]) -> tuple[int, str]:
    """The exit status and its line once requested reports (``unwritten``, each named as
    ``--kaizen-report=PATH``) could not be written.

    A CI job may keep, publish or compare the report files, so one missing must fail the run; it
    is an error of the run's set-up, not a verdict, so a run that would exit 0 exits 4 (pytest's
    usage error), and any other status stays. The verdicts keep their place in the line.
    """
    if not unwritten:
        return status, line
    if status == pytest.ExitCode.OK:
        status = pytest.ExitCode.USAGE_ERROR
    reasons = [
        f"report not written ({', '.join(unwritten)}), an error of the run's set-up, not a verdict",
        *([line.split(": ", 1)[1]] if line else []),
    ]
    return status, f"kaizen exit status {int(status)}: {'; '.join(reasons)}"


def stale_expectations(expectations: list[Any], items: list[ItemResult]) -> list[Any]:
    """Known failures whose checks all passed: the list must shrink when a failure is fixed."""
    stale = []
    for expectation in expectations:
        matched = [
            i
            for i in items
            if expectation.matches(
                i.name, i.rules, i.case, i.charged if i.outcome in FAILING else ()
            )
        ]
        if any(i.outcome == "passed" for i in matched) and not any(
            i.outcome in ("expected-failure", "failed") for i in matched
        ):
            stale.append(expectation)
    return stale
