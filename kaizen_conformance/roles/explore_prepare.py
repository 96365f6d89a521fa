"""Prepare explored: examples of ``cases/explore_prepare.py`` (generated fixture repos), each
written as a prepare case, loaded by the golden suite's loader, run as a golden case's run is
(``roles.prepare.execute``: the same adapter, per-call limit, offline guard and read-only watch)
and judged by the golden checks of prepare against the oracle's event or refusal.

The rule an example breaks is the first that fails, in this order: for an event, no event at all
(PRE-002), then PRE-001, PRE-004, PRE-003, PRE-005, PRE-006, PRE-010, and last the comparison
with the oracle's golden (PRE-002), which every wrong payload also fails; for a refusal, the
rule that refuses it (PRE-004, PRE-008 or PRE-009), then PRE-005 and PRE-006. PRE-007 (a second
run) and PRE-011 (a SHOULD) are left to the golden cases.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import shutil
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from kaizen_conformance.cases import goldens
from kaizen_conformance.cases.prepare import GOLDEN_DIR, PrepareCase, expectation
from kaizen_conformance.core.checks import CheckContext, FailureKind, Violation
from kaizen_conformance.roles import prepare as role
from kaizen_conformance.roles.explore import (
    Finding,
    Verdict,
    description,
    drive,
    scratch,
    write_out,
)

ROLE = "prepare"
EVENT_ORDER = ("PRE-001", "PRE-004", "PRE-003", "PRE-005", "PRE-006", "PRE-010")
BOUNDARY_ORDER = ("PRE-005", "PRE-006")


@contextmanager
def quietly(context: CheckContext) -> Iterator[None]:
    """The golden checks note on their item how they watched (offline guard, reads) and warn
    where reads cannot be seen; the exploration item runs them hundreds of times and keeps
    only its own properties."""
    properties = context.request.node.user_properties
    kept = len(properties)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        del properties[kept:]


def explore_prepare(context: CheckContext) -> tuple[Finding | None, int]:
    """Run the budget of examples; (the shrunk failure or None, examples run)."""
    from kaizen_conformance.cases import explore_prepare as examples_of
    from kaizen_conformance.cases.prepare_oracle import golden_of, oracle

    chosen_seed = int(context.settings.options.explore_seed)
    profile = context.settings.profile(ROLE)
    base = scratch(context, ROLE)
    runs = [0]

    def judge(model: dict[str, Any]) -> Verdict | None:
        """The rule, message and case when prepare gets ``model`` wrong; None when right (or
        when the contract does not decide the example)."""
        case_files = examples_of.case_of(model)
        outcome = oracle(case_files)
        if not outcome.defined:
            return None
        case_id = examples_of.example_id(model)
        agent = case_files.agent
        files = {f"repo/{path}": content for path, content in case_files.repo.items()}
        golden_text = ""
        if outcome.data is not None:
            golden_text = goldens.serialise(golden_of(agent, outcome.data))
            files[f"{GOLDEN_DIR}/{agent}.json"] = golden_text.encode("utf-8")
        draft = case_files.case_data("an explored example", outcome.expect())
        runs[0] += 1
        root = base / f"{runs[0]}"
        try:
            # the case written, as the loader makes it (tests/test_explore_prepare.py shows the
            # loader accepts every example), its repo/ files held in memory rather than on disk
            case = PrepareCase(
                id=case_id,
                source=root / "case.yml",
                description=draft["description"],
                agents={agent: expectation(draft["agents"][agent])},
                checkout=case_files.checkout,
                files=draft.get("files", []),
                repo_files=case_files.repo,
            )
            invocation = role.Invocation(case, agent, case.agents[agent])
            materialised = case.materialise(root)
            run = role.execute(context, invocation, materialised)
            key = (ROLE, invocation.id, 0)
            context.memo[key] = run  # the golden checks read the run from the memo
            try:
                with quietly(context):
                    found = first_failure(context, invocation, run, golden_text, case_id)
            finally:
                context.memo.pop(key, None)
            if found is None:
                return None
            rule, said, first, kind = found
            # a header line, as a golden failure has (the summary shows the line after it)
            message = f"prepare {agent!r} on an explored repo breaks {rule}:\n{said}"
            # why the contract expects what it does, and what prepare did instead (its first line
            # only: what follows may quote an id or a time, which differ from run to run)
            why = f"{outcome.reasons[0]}; " if outcome.reasons else ""
            what = description(
                chosen_seed, profile, f"{rule}\n{why}{first or said.splitlines()[0][:160]}"
            )
            return Verdict(rule, message, {**draft, "description": what}, files, kind=kind)
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def fewer_files(model: dict[str, Any], finding: Finding, counted: Any) -> Finding:
        """Drop each memory entry and manifest agent the failure does not need, while it still
        breaks the same rule: a shrunk case holds only what matters."""
        for field_name in ("memory", "manifest"):
            at = 0
            while True:
                items = items_of(model, field_name)
                if at >= len(items):
                    break
                fewer = with_items(model, field_name, items[:at] + items[at + 1 :])
                verdict = counted(fewer) if fewer is not None else None
                if fewer is not None and verdict is not None and verdict.rule == finding.rule:
                    model = fewer
                    finding = replace(
                        finding,
                        case_id=examples_of.example_id(model),
                        message=verdict.message,
                        case=verdict.case,
                        files=verdict.files,
                        kind=verdict.kind,
                    )
                else:
                    at += 1
        return finding

    try:
        finding, run = drive(
            context,
            ROLE,
            examples_of.examples(),
            judge,
            example_id=examples_of.example_id,
            home=base.parent / "hypothesis-home",
            reduce=fewer_files,
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if finding is not None:
        write_out(context, finding)
    return finding, run


def first_failure(
    context: CheckContext,
    invocation: role.Invocation,
    run: role.Run,
    golden_text: str,
    case_id: str,
) -> tuple[str, str, str, FailureKind] | None:
    """The first golden check of prepare that fails on this run: (rule, its message, the first
    difference from the golden when that is what fails)."""
    checks: list[tuple[str, Callable[[], None]]]
    first: list[str] = []
    if invocation.expect.is_event:

        def produced() -> None:
            role.require_event(run)

        def compare() -> None:
            payload = goldens.normalise(role.require_event(run), run.materialised.given)
            received = goldens.serialise(payload)
            if received != golden_text:
                differs = list(role.differing_paths(json.loads(golden_text), json.loads(received)))
                # a path that differs says most (memory order, a file left out), else the first
                telling = [line for line in differs if ".path:" in line] or differs
                first[:] = [f"{line} (the golden's, then prepare's)" for line in telling][:1]
                golden = f"{ROLE}/{case_id}/{GOLDEN_DIR}/{invocation.agent}.json"
                raise Violation(
                    role.golden_difference(golden, run.materialised.given, golden_text, received)
                )

        checks = [("PRE-002", produced)]
        checks += [(r, bound(role.CHECKERS[r], invocation, context)) for r in EVENT_ORDER]
        checks.append(("PRE-002", compare))
    else:
        refusing = invocation.expect.rule or "PRE-009"
        checks = [(refusing, bound(role.check_error, invocation, context))]
        checks += [(r, bound(role.CHECKERS[r], invocation, context)) for r in BOUNDARY_ORDER]
    for rule, check in checks:
        try:
            check()
        except Violation as violation:
            return rule, str(violation), (first or [""])[0], violation.kind
    return None


def bound(
    check: Callable[[role.Invocation, CheckContext], None],
    invocation: role.Invocation,
    context: CheckContext,
) -> Callable[[], None]:
    return lambda: check(invocation, context)


def items_of(model: dict[str, Any], field_name: str) -> list[Any]:
    if field_name == "memory":
        memory = model.get("memory")
        return list(memory["entries"]) if memory and "entries" in memory else []
    return list(model["manifest"])


def with_items(model: dict[str, Any], field_name: str, items: list[Any]) -> dict[str, Any] | None:
    """The model with ``items`` in place of its memory entries or manifest agents (None when
    that leaves no manifest agent at all: a manifest lists at least one)."""
    if field_name == "memory":
        return {**model, "memory": {**model["memory"], "entries": items}}
    if not items:
        return None
    return {**model, "manifest": items}
