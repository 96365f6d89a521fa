"""The resolver explored: examples of ``cases/explore_resolver.py`` (rosters, checkouts, domains,
what the hub ignores), each run as a golden case's run is and judged by the decision table with
the golden checks' attribution (``roles.resolver.judge``).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from typing import Any

from kaizen_conformance.core.checks import CheckContext, FailureKind
from kaizen_conformance.roles.explore import (
    Finding,
    Verdict,
    description,
    drive,
    scratch,
    write_out,
)

ROLE = "resolver"


def whole_rule(expected: Any) -> str:
    """The rule a run with no answer to judge item by item is named for (it crashed, hung or
    printed malformed output: the golden check fails every outcome rule of the case on it).
    Exploration names one: the first rule of the first record the table skips, the odd thing
    the roster had, else RES-001."""
    skipped = [row for _, row in expected.rows if row.outcome == "skipped"]
    return str(skipped[0].rules[0]) if skipped else "RES-001"


def explored_rules(profile: str) -> tuple[str, ...]:
    """The resolver's outcome rules under ``profile``: an example's draft case lists them all, so
    a wrong item is attributed to its decision-table row's own rules (``roles.resolver.attributed``),
    as in a golden case that lists them. Not RES-019: it judges a later call of a sequence, and
    an example makes one call."""
    from kaizen_conformance import contract
    from kaizen_conformance.cases.resolver import SEQUENCE_RULE
    from kaizen_conformance.roles.resolver import CHECK_KIND

    return tuple(
        rule.id
        for rule in contract.rules_for(ROLE, profile)
        if rule.role == ROLE
        and CHECK_KIND.get(rule.id, "outcome") == "outcome"
        and rule.id != SEQUENCE_RULE
    )


def beyond_the_outcome(context: CheckContext, run: Any) -> tuple[str, str] | None:
    """The checks of a right answer that every golden case makes too: only reading (RES-015),
    and, where SHOULDs count (``--kaizen-strict``), the order by slug (RES-018)."""
    from kaizen_conformance.roles.resolver import boundary_problem, order_problem

    problem = boundary_problem(run)
    if problem:
        return "RES-015", problem
    if context.settings.strict and run.result.repos is not None:
        problem = order_problem(run.result.repos)
        if problem:
            return "RES-018", problem
    return None


def explore_resolver(context: CheckContext) -> tuple[Finding | None, int]:
    """Run the budget of examples; (the shrunk failure or None, examples run)."""
    from kaizen_conformance.cases import explore_resolver as examples_of
    from kaizen_conformance.cases.explore import example_id
    from kaizen_conformance.cases.resolver import resolver_case_from_data
    from kaizen_conformance.roles.resolver import execute, failure_text
    from kaizen_conformance.roles.resolver import judge as judge_run

    chosen_seed = int(context.settings.options.explore_seed)
    profile = context.settings.profile(ROLE)
    covered = explored_rules(profile)
    base = scratch(context, ROLE)
    runs = [0]

    def judge(data: dict[str, Any]) -> Verdict | None:
        """The rule, message and case when the resolver gets ``data`` wrong; None when right."""
        case_id = example_id(data)
        draft = {**data, "description": "an explored example", "rules": list(covered)}
        draft["expect"] = {"error": True} if examples_of.failing_hub(data) else {"included": []}
        draft = {k: v for k, v in draft.items() if v is not None}
        case = resolver_case_from_data(draft, base / "cases" / case_id)
        runs[0] += 1
        root = base / f"{runs[0]}"
        workspace, records = case.materialise(root)
        try:
            expected = {
                p: examples_of.expectation(
                    records,
                    hostname=case.hostname,
                    domain=case.domain,
                    profile=p,
                    error=case.fault is not None,
                )
                for p in ("v1", "v2")
            }
            ours = expected[profile]
            case = replace(case, id=case_id, expect={profile: ours.outcome()})
            run = execute(context, case, fingerprint=True, materialised=(workspace, records))
            # judged as a golden case's run is: each wrong item names its decision-table row's rules
            judgement = judge_run(case, context, run)
            whole = judgement.whole is not None
            kind = FailureKind.WRONG_ANSWER
            if judgement.whole is not None:
                rule = "RES-011" if case.fault is not None else whole_rule(ours)
                message, kind = judgement.whole
            elif judgement.wrong:
                rule = judgement.wrong[0].rules[0]
                # the header's first line is the draft's description: what follows says what went wrong
                message = "\n".join(failure_text(judgement, rule).splitlines()[1:])
            else:
                found = beyond_the_outcome(context, run)
                if found is None:
                    return None
                rule, message = found
            what = description(chosen_seed, profile, message)
            case_data = examples_of.case_data(data, rule, what, expected)
            return Verdict(rule, message, case_data, whole=whole, kind=kind)
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def fewer_records(data: dict[str, Any], finding: Finding, counted: Any) -> Finding:
        """Drop each record the failure does not need, while the example still fails: Hypothesis
        does not always shrink a roster of alike records down to the one that matters, and the
        fewer records a case has, the plainer the rule it names (two records whose slugs a
        resolver confuses name the rule of whichever it wrongly let in; the one record alone
        names the mistake itself)."""
        if finding.whole:
            # a run that gave no answer on the ordinary roster too fails whatever the roster
            # holds: the case says so with the ordinary record, not the odd ones Hypothesis
            # shrinks to (a malformed record is fewer choices than a whole one)
            plain = {
                **data,
                "hub": {**data["hub"], "records": [examples_of.plain_record(data.get("domain"))]},
            }
            verdict = counted(plain)
            if verdict is not None and verdict.whole:
                return replace(
                    finding,
                    rule=verdict.rule,
                    case_id=example_id(plain),
                    message=verdict.message,
                    case=verdict.case,
                    kind=verdict.kind,
                )
        at = 0
        while at < len(data["hub"]["records"]) and len(data["hub"]["records"]) > 1:
            records = data["hub"]["records"]
            fewer = {**data, "hub": {**data["hub"], "records": records[:at] + records[at + 1 :]}}
            verdict = counted(fewer)
            if verdict is not None:
                data = fewer
                finding = replace(
                    finding,
                    rule=verdict.rule,
                    case_id=example_id(data),
                    message=verdict.message,
                    case=verdict.case,
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
            example_id=example_id,
            home=base.parent / "hypothesis-home",
            reduce=fewer_records,
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if finding is not None:
        write_out(context, finding)
    return finding, run
