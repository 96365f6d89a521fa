"""The pytest plugin object that watches a run: it collects every kaizen item's outcome, prints the
summary at the end and writes the report files.

The session registers it at configure time; it reads the settings from pytest's stash.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from kaizen_conformance.core.checks import (
    CHARGED_RULES_PROPERTY,
    CONFIGURATION_ERROR_PROPERTY,
    FAILURE_KIND_PROPERTY,
)
from kaizen_conformance.core.stash import KIT_CHANGES, settings_of
from kaizen_conformance.core.vocabulary import FAILING, level
from kaizen_conformance.reports.summary import (
    XDIST_HEADER,
    ExploredResult,
    ItemResult,
    RoleSummary,
    exit_status,
    kit_changed_lines,
    outcome_of,
    role_lines,
    stale_expectations,
    summarise,
    with_unwritten_reports,
)
from kaizen_conformance.roles.explore import ERROR_PROPERTY, EXPLORE_PROPERTY, FOUND_PROPERTY


class ConformanceReporter:
    """Collects every kaizen item's outcome; prints the summary; writes the reports."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.items: dict[str, ItemResult] = {}
        self.explored: dict[str, ExploredResult] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # user_properties are (str, object) pairs; the kit's own are the strings make_items wrote
        props = {key: str(value) for key, value in report.user_properties}
        if EXPLORE_PROPERTY in props:
            self.explore_report(report, props)
            return
        if "kaizen_rules" not in props:
            return
        name = report.nodeid.rpartition("::")[2]
        result = self.items.setdefault(
            report.nodeid,
            ItemResult(
                name,
                props["kaizen_role"],
                tuple(props["kaizen_rules"].split()),
                level(props["kaizen_level"]),
                props["kaizen_case"],
            ),
        )
        result.duration += report.duration
        if FAILURE_KIND_PROPERTY in props:
            result.kind = props[FAILURE_KIND_PROPERTY]
        if CONFIGURATION_ERROR_PROPERTY in props:
            result.configuration_error = props[CONFIGURATION_ERROR_PROPERTY]
        if CHARGED_RULES_PROPERTY in props:
            result.charged = tuple(props[CHARGED_RULES_PROPERTY].split())
        outcome = outcome_of(report, result.outcome)
        if outcome != result.outcome:
            result.outcome = outcome
            if outcome in FAILING:
                text = str(getattr(report, "wasxfail", "") or report.longreprtext)
                result.message = XDIST_HEADER.sub("", text)[:4000]
            elif outcome == "skipped" and isinstance(report.longrepr, tuple):
                result.message = str(report.longrepr[2]).removeprefix("Skipped: ")[:500]

    def explore_report(self, report: pytest.TestReport, props: dict[str, str]) -> None:
        """An ``explore[<role>]`` item: kept apart, never one of the golden verdicts' items."""
        role = props[EXPLORE_PROPERTY]
        result = self.explored.setdefault(role, ExploredResult(role))
        if "kaizen_explore_examples" in props:
            result.examples = int(props["kaizen_explore_examples"])
        if CONFIGURATION_ERROR_PROPERTY in props:
            # the role's configuration error, met here first or before: nothing was explored
            result.outcome = "not-run"
            result.configuration_error = props[CONFIGURATION_ERROR_PROPERTY]
            result.message = "the role has a configuration error"
        elif FOUND_PROPERTY in props:
            result.outcome = "found"
            result.finding = json.loads(props[FOUND_PROPERTY])
        elif ERROR_PROPERTY in props:
            result.outcome = "error"
            result.message = XDIST_HEADER.sub("", props[ERROR_PROPERTY])[-2000:]
        elif report.failed:
            result.outcome = "error"
            result.message = XDIST_HEADER.sub("", report.longreprtext)[-2000:]
        elif report.skipped and not hasattr(report, "wasxfail"):
            result.outcome = "not-run"
            if isinstance(report.longrepr, tuple):
                result.message = str(report.longrepr[2]).removeprefix("Skipped: ")[:500]

    def results(self) -> list[ItemResult]:
        return sorted(self.items.values(), key=lambda r: (r.role, r.name))

    def summaries(self) -> list[RoleSummary]:
        return summarise(self.results(), settings_of(self.config), self.explored)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.items and not self.explored:
            return
        terminalreporter.write_sep("=", "kaizen conformance")
        verbose = self.config.getoption("verbose") > 0
        for summary in self.summaries():
            for line in role_lines(summary, verbose):
                terminalreporter.write_line(line)
        for line in getattr(self, "report_notes", []):
            terminalreporter.write_line(line)
        # last but the exit line: a report that was asked for and is missing, and the fix
        for line in getattr(self, "unwritten_lines", []):
            terminalreporter.write_line(line, red=True)
        exit_line = getattr(self, "exit_line", "")
        if exit_line:
            terminalreporter.write_line(exit_line)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not (self.items or self.explored) or hasattr(self.config, "workerinput"):
            return
        from kaizen_conformance.reports.files import (
            write_reports,
        )  # fixtures digests: only when the kit ran

        self.report_notes = []
        settings = settings_of(self.config)
        # last of all (after syrupy wrote what it may): what changed in the kit since the start
        check = self.config.stash.get(KIT_CHANGES, None)
        kit_changed = check() if check is not None else None
        if kit_changed:
            self.report_notes += kit_changed_lines(kit_changed)
        summaries = self.summaries()
        stale = stale_expectations(settings.expectations, self.results())
        if stale:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
            self.report_notes += [
                f"kaizen: known failure {e.id!r} did not fail in this run: it is fixed, remove it from "
                f"{settings.origin('expectations')} ({e.reason})"
                for e in stale
            ]
        # After every other reason to fail: the line says the status the run really ends with.
        status, self.exit_line = exit_status(
            summaries, int(session.exitstatus), settings.options.allow_incomplete, kit_changed
        )
        written = write_reports(self.config, self.results(), summaries, kit_changed)
        self.report_notes += written.notes
        self.unwritten_lines = [failure.line() for failure in written.failures]
        status, self.exit_line = with_unwritten_reports(
            status, self.exit_line, [failure.named for failure in written.failures]
        )
        session.exitstatus = status
