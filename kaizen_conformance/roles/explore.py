"""Exploration (``--kaizen-explore``): the resolver run on examples Hypothesis draws, beyond the
golden cases, each judged by the decision table as a golden case would be.

A failing example is shrunk by Hypothesis to a minimal one and written out as a ready case
(``--kaizen-explore-out``), naming the one rule it breaks. Its verdict stays apart from the
golden cases' (``explore[resolver]`` in the summary and reports) unless
``--kaizen-explore-strict`` asks for it to count.

Hypothesis is imported inside ``explore_resolver``: the kit imports it only when exploring.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kaizen_conformance.core.checks import CheckContext

ROLE = "resolver"
EXPLORE_PROPERTY = "kaizen_explore"  # user property marking an exploration item: the role
FOUND_PROPERTY = "kaizen_explore_found"  # JSON: what exploration found, for the reports
ERROR_PROPERTY = "kaizen_explore_error"  # the kit's own failure while exploring (its traceback)
# Once a failure is found, shrinking may run this many more examples (the shrunk one so far
# is replayed after that, so the result is always a failure that was seen).
SHRINK_CALLS = 300
SHRINK_SECONDS = 60.0


@dataclass
class Finding:
    """A failure exploration found: the rule it breaks, how, and where its case was written."""

    role: str
    rule: str
    case_id: str
    message: str
    examples: int  # examples run until the first failure
    run: int  # examples run in all (shrinking included)
    seed: int
    case: dict[str, Any]
    written: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "rule": self.rule,
            "case": self.case_id,
            "message": self.message,
            "examples_to_find": self.examples,
            "examples_run": self.run,
            "seed": self.seed,
            "written": self.written,
        }


@dataclass
class Tally:
    calls: int = 0
    first_failure: int = 0
    started_shrinking: float = 0.0


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
    as in a golden case that lists them."""
    from kaizen_conformance import contract
    from kaizen_conformance.roles.resolver import CHECK_KIND

    return tuple(
        rule.id
        for rule in contract.rules_for(ROLE, profile)
        if rule.role == ROLE and CHECK_KIND.get(rule.id, "outcome") == "outcome"
    )


@contextmanager
def hypothesis_home(home: Path) -> Iterator[None]:
    """Hypothesis's own files (its cache of the code's constants) under pytest's temporary
    directory while exploring: with ``database=None`` nothing else is written, and no
    ``.hypothesis/`` appears in the user's directory. The user's own setting is put back after,
    for their own Hypothesis tests in the same run."""
    from hypothesis import configuration

    previous = configuration.__dict__.get("__hypothesis_home_directory")
    configuration.set_hypothesis_home_dir(home)
    try:
        yield
    finally:
        configuration.set_hypothesis_home_dir(previous)


def explore_resolver(context: CheckContext) -> tuple[Finding | None, int]:
    """Run the budget of examples; (the shrunk failure or None, examples run)."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, seed
    from hypothesis import settings as hypothesis_settings

    from kaizen_conformance.cases import explore as examples_of
    from kaizen_conformance.cases.resolver import resolver_case_from_data
    from kaizen_conformance.roles.resolver import execute, failure_text
    from kaizen_conformance.roles.resolver import judge as judge_run

    options = context.settings.options
    budget = int(options.explore_examples)
    chosen_seed = int(options.explore_seed)
    profile = context.settings.profile(ROLE)
    covered = explored_rules(profile)
    base = Path(context.request.getfixturevalue("tmp_path_factory").mktemp("explore-resolver"))
    known: dict[str, tuple[str, str, dict[str, Any]] | None] = {}
    tally = Tally()
    last: list[Finding] = []
    shrunk: list[dict[str, Any]] = []  # the example of ``last``

    def judge(data: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
        """(rule, message, case data) when the resolver gets ``data`` wrong; None when right."""
        case_id = examples_of.example_id(data)
        draft = {**data, "description": "an explored example", "rules": list(covered)}
        draft["expect"] = {"included": []}
        draft = {k: v for k, v in draft.items() if v is not None}
        case = resolver_case_from_data(draft, base / "cases" / case_id)
        root = base / f"{tally.calls}"
        workspace, records = case.materialise(root)
        try:
            expected = {
                p: examples_of.expectation(
                    records, hostname=case.hostname, domain=case.domain, profile=p
                )
                for p in ("v1", "v2")
            }
            ours = expected[profile]
            case = replace(case, id=case_id, expect={profile: ours.outcome()})
            run = execute(context, case, fingerprint=False, materialised=(workspace, records))
            # judged as a golden case's run is: each wrong item names its decision-table row's rules
            judgement = judge_run(case, context, run)
            if judgement.whole is not None:
                rule, message = whole_rule(ours), judgement.whole[0]
            elif judgement.wrong:
                rule = judgement.wrong[0].rules[0]
                # the header's first line is the draft's description: what follows says what went wrong
                message = "\n".join(failure_text(judgement, rule).splitlines()[1:])
            else:
                return None
            what = "; ".join(line.strip() for line in message.splitlines()[1:3])
            description = (
                f"Found by exploration (seed {chosen_seed}, profile {profile}): "
                f"{what or message.splitlines()[0]}"[:300]
            )
            return rule, message, examples_of.case_data(data, rule, description, expected)
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def probe(data: dict[str, Any]) -> None:
        key = examples_of.example_id(data)
        if key not in known:
            shrinking_over = tally.first_failure and (
                tally.calls - tally.first_failure > SHRINK_CALLS
                or time.monotonic() - tally.started_shrinking > SHRINK_SECONDS
            )
            if shrinking_over:
                return  # an unseen example after the shrink budget: not run, not a failure
            tally.calls += 1
            known[key] = judge(data)
        verdict = known[key]
        if verdict is None:
            return
        if not tally.first_failure:
            tally.first_failure = tally.calls
            tally.started_shrinking = time.monotonic()
        rule, message, case = verdict
        shrunk[:] = [data]
        last[:] = [
            Finding(ROLE, rule, key, message, tally.first_failure, tally.calls, chosen_seed, case)
        ]
        raise AssertionError(f"{rule}: {message}")

    explorer: Callable[[], None] = seed(chosen_seed)(
        hypothesis_settings(
            max_examples=budget,
            database=None,
            deadline=None,
            derandomize=False,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
            report_multiple_bugs=False,
            print_blob=False,
        )(given(examples_of.examples())(probe))
    )

    def fewer_records(data: dict[str, Any], rule: str) -> None:
        """Drop each record the failure does not need, while it still breaks ``rule``: Hypothesis
        does not always shrink a roster of alike records down to the one that matters."""
        at = 0
        while at < len(data["hub"]["records"]) and len(data["hub"]["records"]) > 1:
            records = data["hub"]["records"]
            fewer = {**data, "hub": {**data["hub"], "records": records[:at] + records[at + 1 :]}}
            tally.calls += 1
            verdict = judge(fewer)
            if verdict is not None and verdict[0] == rule:
                data = fewer
                key = examples_of.example_id(data)
                last[:] = [
                    Finding(
                        ROLE, rule, key, verdict[1], tally.first_failure, 0, chosen_seed, verdict[2]
                    )
                ]
            else:
                at += 1

    try:
        with hypothesis_home(base.parent / "hypothesis-home"):
            explorer()
    except AssertionError:
        pass  # the shrunk failure is in ``last``: Hypothesis replays it last
    try:
        if last:
            fewer_records(shrunk[0], last[0].rule)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if not last:
        return None, tally.calls
    finding = last[0]
    finding.run = tally.calls
    if options.explore_out:
        out = Path(options.explore_out)
        if not out.is_absolute():
            out = context.settings.rootpath / out
        finding.written = str(examples_of.write_case(out, finding.case_id, finding.case))
    return finding, tally.calls
