"""Rule-by-rule verdicts per role, aggregated from test reports (so pytest-xdist workers count too)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from kaizen_conformance import contract
from kaizen_conformance._options import ROLES


@dataclass
class ItemResult:
    role: str
    rules: tuple[str, ...]
    level: str
    case: str
    outcome: str | None = None  # "passed", "failed", "skipped", "not-met"
    duration: float = 0.0
    message: str = ""


@dataclass
class RuleVerdict:
    rule: contract.Rule
    verdict: str  # "passed", "failed", "not-met", "skipped", "incomplete", "not-run"
    cases_passed: int = 0
    cases_total: int = 0
    failed_cases: list[str] = field(default_factory=list)


def verdict_of(results: list[ItemResult]) -> str:
    outcomes = Counter(r.outcome for r in results)
    if not results:
        return "not-run"
    if outcomes["failed"]:
        return "failed"
    if outcomes["not-met"]:
        return "not-met"
    if outcomes["passed"] == len(results):
        return "passed"
    if outcomes["skipped"] == len(results):
        return "skipped"
    return "incomplete"


def rule_verdicts(items: list[ItemResult], role: str, profile: str) -> list[RuleVerdict]:
    verdicts = []
    for rule in contract.rules_for(role, profile):
        mine = [i for i in items if i.role == role and rule.id in i.rules]
        verdicts.append(
            RuleVerdict(
                rule=rule,
                verdict=verdict_of(mine),
                cases_passed=sum(i.outcome == "passed" for i in mine),
                cases_total=len(mine),
                failed_cases=[i.case for i in mine if i.outcome in ("failed", "not-met")],
            )
        )
    return verdicts


def role_verdict(verdicts: list[RuleVerdict], configured: bool) -> str:
    if not configured:
        return "NOT CONFIGURED (not a pass)"
    must = [v for v in verdicts if v.rule.is_must]
    if any(v.verdict == "failed" for v in must):
        return "DOES NOT CONFORM"
    if must and all(v.verdict == "passed" for v in must):
        return "CONFORMS"
    return "INCOMPLETE (some MUST rules were not checked)"


class ConformanceReporter:
    """Collects every kaizen item's outcome and prints the per-role summary."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.items: dict[str, ItemResult] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if "kaizen_rules" not in props:
            return
        result = self.items.setdefault(
            report.nodeid,
            ItemResult(props["kaizen_role"], tuple(props["kaizen_rules"].split()), props["kaizen_level"], props["kaizen_case"]),
        )
        result.duration += report.duration
        if report.failed:
            result.outcome = "failed"
            result.message = str(report.longrepr)[:2000]
        elif hasattr(report, "wasxfail"):
            result.outcome = result.outcome or "not-met"
            result.message = str(report.wasxfail)[:2000]
        elif report.skipped:
            result.outcome = result.outcome or "skipped"
        elif report.when == "call":
            result.outcome = result.outcome or "passed"

    def results(self) -> list[ItemResult]:
        return list(self.items.values())

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.items:
            return
        from kaizen_conformance._session import settings_of

        settings = settings_of(self.config)
        write = terminalreporter.write_line
        terminalreporter.write_sep("=", "kaizen conformance")
        items = self.results()
        roles = [r for r in ROLES if any(i.role == r for i in items)]
        for role in roles:
            target = settings.target(role)
            profile = settings.profile(role)
            verdicts = rule_verdicts(items, role, profile)
            claim = f"profile {profile}" if role in ("resolver", "hub") else "contract v1"
            how = target.describe() if target else "not configured"
            write(f"{role} ({claim}): {how}")
            for level in ("MUST", "SHOULD"):
                mine = [v for v in verdicts if v.rule.level == level]
                if not mine:
                    continue
                counts = Counter(v.verdict for v in mine)
                parts = [f"{counts[k]} {label}" for k, label in (
                    ("passed", "passed"), ("failed", "failed"), ("not-met", "not met"),
                    ("skipped", "skipped"), ("incomplete", "incomplete"), ("not-run", "not run"),
                ) if counts[k] or k in ("passed", "failed")]
                write(f"  {level:<6} {len(mine):>3} rules: {', '.join(parts)}")
            for v in verdicts:
                if v.verdict in ("failed", "not-met"):
                    write(f"  {v.verdict.upper():<8} {v.rule.id} {v.rule.level}: {v.rule.text}")
                    write(f"           cases: {', '.join(v.failed_cases[:8])}"
                          + (f" (+{len(v.failed_cases) - 8} more)" if len(v.failed_cases) > 8 else ""))
            if target is None:
                from kaizen_conformance._session import unconfigured_reason

                write(f"  verdict: NOT CONFIGURED — {unconfigured_reason(role)}")
            else:
                write(f"  verdict: {role_verdict(verdicts, True)}")
