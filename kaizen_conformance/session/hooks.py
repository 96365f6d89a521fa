"""The kit's hook implementations, imported only when pytest actually needs them.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from kaizen_conformance import contract
from kaizen_conformance.core.checks import (
    CHARGED_RULES_PROPERTY,
    CONFIGURATION_ERROR_PROPERTY,
    FAILURE_KIND_PROPERTY,
    Check,
    CheckContext,
    ConfigurationError,
    FailureKind,
    Violation,
)
from kaizen_conformance.core.options import ROLES, unconfigured_reason, usage_lines
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.core.stash import CHECK, EXPLORE, MEMO, SETTINGS, settings_of
from kaizen_conformance.roles.registry import SUITES, setup_problem, suite
from kaizen_conformance.session import integrity, lifecycle, lookahead, snapshot_guard
from kaizen_conformance.session.settings import build
from kaizen_conformance.session.spelling import check_ini


def configure(config: pytest.Config) -> None:
    check_ini(config)
    config.stash[SETTINGS] = build(config)
    config.stash[MEMO] = {}
    snapshot_guard.configure(config)
    integrity.start(config)
    lifecycle.start(config)
    from kaizen_conformance.reports.reporter import ConformanceReporter

    config.pluginmanager.register(ConformanceReporter(config), "kaizen-conformance-reporter")


def _in_process(settings: Settings, role: str) -> str:
    """The header's note on a command whose program runs in-process (``--kaizen-cli``)."""
    if not settings.options.cli:
        return ""
    from kaizen_conformance.adapters.cli_apps import named_programs, runs_in_process

    if not runs_in_process(settings, role):
        return ""
    words = settings.command(role)
    return f"; its program run in-process ({named_programs(settings)[words[0]].named})"


def report_header(config: pytest.Config) -> list[str] | None:
    settings = settings_of(config)
    if not settings.targets:
        return None
    lines = []
    for role in ROLES:
        target = settings.target(role)
        if target is not None:
            profile = f", profile {settings.profile(role)}" if role in ("resolver", "hub") else ""
            lines.append(
                f"kaizen {role}: {target.describe()}{profile}{_in_process(settings, role)}"
            )
    lines.append(f"kaizen per-call limit: {settings.timeout:g} s ({settings.origin('timeout')})")
    if settings.extra_cases is not None:
        # extra cases keep their directory names as ids: this line says where they come from
        counts = ", ".join(f"{len(ids)} {role}" for role, ids in settings.extra_case_ids.items())
        lines.append(
            f"kaizen extra cases: {settings.extra_cases} ({counts}; {settings.origin('extra_cases')})"
        )
    return lines


def collect_suite_file(file_path: Path, parent: Any) -> Any:
    # pytest's own collector takes the module when python_files matches; otherwise we do.
    if any(file_path.match(pattern) for pattern in parent.config.getini("python_files")):
        return None
    return pytest.Module.from_parent(parent, path=file_path)


class ConformanceItem(pytest.Function):
    """A check of the suite; reported at its suite module, not at the kit's internals."""

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, 0, self.name


def make_items(collector: Any, name: str, obj: Any, role: str) -> list[pytest.Item]:
    from kaizen_conformance.cases.goldens import GoldenWriteRefused
    from kaizen_conformance.cases.loading import FixtureError

    settings = settings_of(collector.config)
    if role not in SUITES:
        return []
    target = settings.target(role)
    if target is None:
        # One skipped item stands for the whole role: it is named in the summary with every rule
        # skipped (never passed), without loading its cases or printing hundreds of skips.
        rules = tuple(
            rule.id
            for rule in contract.rules_for(
                role, settings.profile(role) if role in ("resolver", "hub") else None
            )
        )
        checks = [Check(role, rules, "not-configured", lambda context: None)]
    else:
        try:
            checks = suite(role).collect(settings)
        except FixtureError as exc:
            raise collector.CollectError(f"kaizen fixture error\n{exc}") from None
        except GoldenWriteRefused as exc:
            # reached where configure could not see it (a symlink, a module re-exporting the suite)
            raise collector.CollectError(str(exc)) from None
    items: list[pytest.Item] = []
    for check in checks:
        name = check.name if target is not None else f"{role}[not-configured]"
        item = ConformanceItem.from_parent(collector, name=name, callobj=obj)
        item.stash[CHECK] = check
        item.add_marker(
            pytest.mark.kaizen(role=role, rules=check.rules, case=check.case, level=check.level)
        )
        item.user_properties.extend(
            [
                ("kaizen_role", role),
                ("kaizen_rules", " ".join(check.rules)),
                ("kaizen_level", check.level),
                ("kaizen_case", check.case),
            ]
        )
        if target is None:
            item.add_marker(pytest.mark.skip(reason=unconfigured_reason(role)))
        for expectation in settings.expectations:
            if expectation.matches(check.name, check.rules, check.case):
                # judged per expectation at the end of the run (summary.stale_expectations), not per item:
                # a known-failing rule may still pass some of its cases
                item.add_marker(pytest.mark.xfail(reason=expectation.describe(), strict=False))
                break
        items.append(item)
    if target is not None and settings.options.explore:
        from kaizen_conformance.roles.explorers import EXPLORERS

        if role in EXPLORERS:
            items.append(explore_item(collector, obj, role))
    return items


def explore_item(collector: Any, obj: Any, role: str) -> pytest.Item:
    """``explore[<role>]``: one item that runs the role's exploration budget.

    It carries no rule (``kaizen_rules``), so the golden verdicts never count it; the reports
    list what it found apart, and only ``--kaizen-explore-strict`` lets it turn a verdict.
    """
    from kaizen_conformance.roles.explore import EXPLORE_PROPERTY

    item = ConformanceItem.from_parent(collector, name=f"explore[{role}]", callobj=obj)
    item.stash[EXPLORE] = role
    item.add_marker(pytest.mark.kaizen_explore(role=role))
    item.user_properties.append((EXPLORE_PROPERTY, role))
    return item


def run_explore(request: pytest.FixtureRequest) -> None:
    """The body of an exploration item: a failure found is an explored failure, which fails the
    run only with ``--kaizen-explore-strict`` (otherwise it reports as xfail, apart)."""
    import json

    from kaizen_conformance.roles.explore import ERROR_PROPERTY, FOUND_PROPERTY
    from kaizen_conformance.roles.explorers import explore

    settings = settings_of(request.config)
    context = CheckContext(request=request, settings=settings, memo=request.config.stash[MEMO])
    try:
        finding, run = explore(context, request.node.stash[EXPLORE])
    except ConfigurationError as error:
        # The setup could not take what exploration drew (a hub's seed function that fails on a
        # roster the contract allows): nothing more is explored, and it is no verdict, nor an
        # error of the kit. The summary says "explored: not run" with the reason.
        pytest.skip(f"not explored: {error}")
    except Exception:
        if settings.options.explore_strict:
            raise  # counted: the kit's failure fails the run, with its traceback
        # Apart from the verdicts, as a failure found would be: the summary and reports say
        # the exploration failed (ERROR, with the traceback); the run's status stays the
        # golden verdicts'.
        import traceback

        request.node.user_properties.append((ERROR_PROPERTY, traceback.format_exc()[-2000:]))
        pytest.xfail(
            "exploration failed inside the kit (an error of the kit, not a verdict; it fails the "
            "run only with --kaizen-explore-strict):\n" + traceback.format_exc()[-2000:]
        )
    request.node.user_properties.append(("kaizen_explore_examples", str(run)))
    if finding is None:
        return
    request.node.user_properties.append((FOUND_PROPERTY, json.dumps(finding.as_json())))
    # as a golden failure carries it (JUnit), whether or not the explored failure counts
    record_failure_kind(request.node, finding.kind)
    written = (
        f"\nwritten as a ready case: {finding.written}"
        if finding.written
        else "\n(give --kaizen-explore-out=DIR to have it written as a ready case)"
    )
    message = (
        f"explored {finding.role}: {finding.rule} broken by a shrunk example "
        f"(found after {finding.examples} of {settings.options.explore_examples} examples, "
        f"seed {finding.seed}; case {finding.case_id}){written}\n{finding.message}"
    )
    if not settings.options.explore_strict:
        pytest.xfail(
            f"explored failure (fails the run only with --kaizen-explore-strict): {message}"
        )
    pytest.fail(message, pytrace=False)


def require_a_role(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a run that would check nothing; check expectations; apply --kaizen-rerun-failed."""
    if not any(CHECK in item.stash for item in items):
        return
    settings = settings_of(config)
    if not settings.targets:
        raise pytest.UsageError(
            "kaizen-conformance: no role is configured, so nothing would be checked.\n"
            "Configure at least one role (each option also has an ini twin, e.g. kaizen_resolver = ...):\n"
            + "\n".join(usage_lines())
        )
    if settings.expectations:
        from kaizen_conformance.reports.expectations import check_all_used

        check_all_used(
            settings.expectations,
            items,
            settings.named("expectations"),
        )
    if settings.options.rerun_failed:
        from kaizen_conformance.reports.files import rules_failed_in

        # read at configure time in a run of the kit: the file may be the report this run rewrites
        known = lifecycle.rerun_rules(config)
        failed = (
            known
            if known is not None
            else frozenset(
                rules_failed_in(settings.options.rerun_failed, settings.named("rerun_failed"))
            )
        )
        keep: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:
            wanted = CHECK not in item.stash or set(item.stash[CHECK].rules) & failed
            (keep if wanted else dropped).append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep


def guarded_setup(item: pytest.Item) -> Generator[None, None, None]:
    """Set an item up; the first configuration error of its role stops the role.

    The role's preflight (``roles.registry.setup_problem``) runs once, after the first item's
    fixtures, and any ``ConfigurationError`` a fixture raises (the hub's seed) counts the same:
    that item is the one ERROR of the role, saying the fix, and every later item of the role is
    skipped as not checked. A wall of identical failures would bury the fix, and rules "passed"
    on an implementation that never ran would be a false green.
    """
    # an exploration item (explore[<role>]) has no check: it stops with its role all the same
    role = item.stash[CHECK].role if CHECK in item.stash else item.stash[EXPLORE]
    memo = item.config.stash[MEMO]
    stopped = memo.get((role, "configuration-error"))
    if stopped is not None:
        first, message = stopped
        item.user_properties.append((CONFIGURATION_ERROR_PROPERTY, message))
        pytest.skip(
            f"not checked: the {role} role has a configuration error, reported at {first}: "
            + message.splitlines()[0]
        )
    message = ""
    try:
        result = yield
        if settings_of(item.config).target(role) is not None:
            assert isinstance(item, pytest.Function)  # every kit item is (ConformanceItem)
            request: pytest.FixtureRequest = item.funcargs["request"]  # type: ignore[assignment]
            context = CheckContext(request=request, settings=settings_of(item.config), memo=memo)
            message = context.remember((role, "preflight"), lambda: setup_problem(context, role))
    except ConfigurationError as error:
        message = str(error)
    if message:
        # outside the except block: the report carries the fix alone, not a chained traceback
        memo[(role, "configuration-error")] = (item.name, message)
        item.user_properties.append((CONFIGURATION_ERROR_PROPERTY, message))
        pytest.fail(
            f"kaizen configuration error (not a verdict on the {role}; none of its rules is "
            f"checked in this run):\n{message}",
            pytrace=False,
        )
    return result


def run_check(request: pytest.FixtureRequest) -> None:
    """The body of every conformance item: run its check, report a violation cleanly.

    A violation is explained by its message alone (``pytrace=False``). No frame is hidden: hiding
    every frame makes pytest add "All traceback entries are hidden" under the explanation, and
    an unexpected exception inside the kit must show where it came from.
    """
    if EXPLORE in request.node.stash:
        run_explore(request)
        return
    from kaizen_conformance.cases.loading import FixtureError

    check = request.node.stash[CHECK]
    settings = settings_of(request.config)
    context = CheckContext(request=request, settings=settings, memo=request.config.stash[MEMO])
    refused: FixtureError | None = None
    charged: tuple[str, ...] = ()
    lookahead.before(request)  # the next cases' calls run while this one is judged
    try:
        check.run(context)
        return
    except Violation as violation:
        message = f"{check.headline()}\ncase {check.case}: {violation}"
        record_failure_kind(request.node, violation.kind)
        charged = violation.charged
        if charged:
            request.node.user_properties.append((CHARGED_RULES_PROPERTY, " ".join(charged)))
    except FixtureError as error:
        # a case refused while its workspace is made (what loading cannot see): no verdict; the
        # error names the file and the fix, without a traceback from inside the kit
        refused = error
    except Exception:
        # not a judgement of the implementation: the kit itself failed (the traceback says where)
        record_failure_kind(request.node, FailureKind.KIT_ERROR)
        raise
    if refused is not None:
        record_failure_kind(request.node, FailureKind.KIT_ERROR)
        pytest.fail(f"kaizen fixture error\n{refused}", pytrace=False)
    # outside the except block, so the report carries the violation alone, not a chained traceback
    if charged and settings.expectations:
        from kaizen_conformance.reports.expectations import charged_expectation

        known = charged_expectation(settings.expectations, check.name, check.case, charged)
        if known is not None:
            pytest.xfail(f"{known.describe()}: {message}")
    if check.level == "SHOULD" and not settings.strict:
        pytest.xfail(f"SHOULD not met (fails only with --kaizen-strict): {message}")
    pytest.fail(message, pytrace=False)


def record_failure_kind(item: pytest.Item, kind: FailureKind) -> None:
    """What happened, as data: a JUnit property of the item, read back by the reports."""
    item.user_properties.append((FAILURE_KIND_PROPERTY, kind.value))


def conformance_checks(role: str) -> Any:
    """The function a suite module exposes; the kit expands it into one item per check."""

    def kaizen_check(request: pytest.FixtureRequest) -> None:
        run_check(request)

    kaizen_check._kaizen_role = role  # type: ignore[attr-defined]
    kaizen_check.__doc__ = f"kaizen conformance checks of the {role} role"
    return kaizen_check
