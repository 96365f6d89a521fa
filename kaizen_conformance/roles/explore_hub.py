"""The hub explored: a Hypothesis rule-based state machine seeds generated rosters
(``cases/explore_hub.py``), asks filtered views, other flag spellings and the unfiltered list
again, reseeds, and asks again. The oracle is a model: the roster last seeded, filtered by the
contract's rules (``cases.hub.select``) and judged by the golden hub checks themselves
(``roles.hub.CHECKERS`` on an ``Observation`` of the answers), so a failure is worded as the
golden check of its rule words it.

Every GET goes through the driver the golden cases use (``roles.hub.driver_of``: the same app
or URL, the per-call limit, the same seed function), holding the hub's seeding lock for the whole
exploration so no other process of this machine reseeds it between a seed and its queries.

A failing run is shrunk by Hypothesis (fewer steps, simpler rosters), then each record the
failure does not need is dropped, replaying the roster from a fresh seed; the case written is
that roster and the one query it answered wrong, which the golden suite seeds and asks as any
hub case.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from kaizen_conformance.adapters.hub import HubAnswer, HubDriver, seed_hub
from kaizen_conformance.adapters.hub_seeding import SeedFailure
from kaizen_conformance.cases.hub import FLAG, ROLE, HubCase, HubQuery, Params, rule_of, select
from kaizen_conformance.core.checks import CheckContext, ConfigurationError, Violation
from kaizen_conformance.roles.explore import (
    SHRINK_CALLS,
    SHRINK_SECONDS,
    Finding,
    Verdict,
    explorer_settings,
    hypothesis_home,
    scratch,
    write_out,
)

# Steps in one run of the state machine at most: a seed, then queries, spellings, reads and
# reseeds. Each step is one to three GETs.
STEPS = 12
# The rules judged right after a seed, in this order (the first broken one is named): the
# listing's format, unique slugs, the roster whole, the flag fields, the same body twice.
AFTER_SEED = ("HUB-001", "HUB-002", "HUB-003", "HUB-010", "HUB-011", "HUB-005")

# ("seed", roster) | ("query", params) | ("spelling", value) | ("read", None)
Step = tuple[str, Any]


@dataclass
class Failure:
    """One wrong answer: the rule, the golden check's message, the roster and the step."""

    rule: str
    message: str
    records: list[dict[str, Any]]
    step: Step
    run: list[Step] = field(default_factory=list)  # the machine's steps up to it (shrunk)


class HubSession:
    """One hub, seeded and asked as a golden case's observation is, judged after each answer.

    ``model`` is the roster last seeded; ``first`` and ``again`` the two unfiltered reads right
    after that seed, which every later view is compared with (as the golden case's are).
    """

    def __init__(self, context: CheckContext, driver: HubDriver, profile: str) -> None:
        from kaizen_conformance import contract

        self.context = context
        self.driver = driver
        self.profile = profile
        self.applicable = {rule.id for rule in contract.rules_for(ROLE, profile)}
        self.model: list[dict[str, Any]] = []
        self.first: HubAnswer | None = None
        self.again: HubAnswer | None = None

    def observation(self, **answers: Any) -> Any:
        from kaizen_conformance.roles.hub import Observation

        assert self.first is not None and self.again is not None
        views = answers.get("views", [])
        case = HubCase(
            id="explore",
            source=Path("explore"),
            description="an explored example",
            profiles=(self.profile,),
            records=tuple(self.model),
            queries=tuple(query for query, _ in views),
        )
        return Observation(
            case,
            self.profile,
            self.first,
            self.again,
            answers.get("last", self.again),
            views,
            answers.get("refusals", []),
            answers.get("spellings", []),
            "url" if self.driver.kind == "url" else "app",
        )

    def judge(self, obs: Any, rules: tuple[str, ...], step: Step) -> Failure | None:
        from kaizen_conformance.roles.hub import CHECKERS

        for rule in rules:
            if rule not in self.applicable:
                continue
            try:
                CHECKERS[rule](obs)
            except Violation as violation:
                return Failure(rule, str(violation), list(self.model), step)
        return None

    def seed(self, roster: list[dict[str, Any]], *, first_of_all: bool = False) -> Failure | None:
        """Replace the hub's data with ``roster``; judge the unfiltered list, read twice."""
        from kaizen_conformance.roles.hub import setup_mistake

        settings = self.context.settings
        try:
            seed_hub(settings, self.driver, roster, "explore")
        except SeedFailure as exc:
            raise ConfigurationError(
                f"{exc}\nThe roster exploration drew (valid under the contract): "
                f"{json.dumps(roster, ensure_ascii=False)[:600]}"
            ) from None
        self.driver.begin_case()
        self.model = json.loads(json.dumps(roster))
        self.first = self.driver.get(())
        self.again = self.driver.get(())
        if first_of_all:
            probe = HubCase("explore", Path("explore"), "", (self.profile,), tuple(roster), ())
            mistake = setup_mistake(self.first, settings, probe)
            if mistake:
                raise ConfigurationError(mistake)
        return self.judge(self.observation(), AFTER_SEED, ("seed", roster))

    def query(self, params: Params) -> Failure | None:
        """A filtered view: exactly the model's records the contract's filter keeps."""
        rule = rule_of(params)
        query = HubQuery(params, tuple(select(self.model, params)), rule)
        answer = self.driver.get(params)
        return self.judge(self.observation(views=[(query, answer)]), (rule,), ("query", params))

    def spelling(self, value: str) -> Failure | None:
        """Another spelling of a boolean filters as its meaning or is refused; an unparseable
        value is refused (HUB-015)."""
        from kaizen_conformance.cases.hub import probes

        meaning = dict(probes().boolean_spellings).get(value)
        answer = self.driver.get(((FLAG, value),))
        if meaning is None:
            obs = self.observation(refusals=[answer])
        else:
            obs = self.observation(spellings=[(value, meaning, answer)])
        return self.judge(obs, ("HUB-015",), ("spelling", value))

    def read(self) -> Failure | None:
        """The unfiltered list once more: reads change nothing (HUB-005)."""
        last = self.driver.get(())
        return self.judge(self.observation(last=last), ("HUB-005",), ("read", None))

    def replay(self, roster: list[dict[str, Any]], step: Step) -> Failure | None:
        """``roster`` from a fresh seed, then ``step``: what the golden suite does with the case."""
        failure = self.seed(roster)
        if failure is not None or step[0] == "seed":
            return failure
        return self.run(step)

    def run(self, step: Step) -> Failure | None:
        kind, argument = step
        if kind == "seed":
            return self.seed(argument)
        if kind == "query":
            return self.query(argument)
        if kind == "spelling":
            return self.spelling(argument)
        return self.read()


@dataclass
class Tally:
    """Runs of the state machine: how many ran, the first that failed, the shrink budget."""

    runs: int = 0
    first_failure: int = 0
    started_shrinking: float = 0.0
    seen: set[str] = field(default_factory=set)  # step sequences run (prefixes included)
    failure: Failure | None = None  # the last failure seen: the shrunk one, replayed last
    stopped: BaseException | None = None  # a configuration error: nothing more is run
    set_up: bool = False  # the first roster with records was checked for a setup mistake

    def shrinking_over(self) -> bool:
        return bool(self.first_failure) and (
            self.runs - self.first_failure > SHRINK_CALLS
            or time.monotonic() - self.started_shrinking > SHRINK_SECONDS
        )


def machine(session: HubSession, tally: Tally) -> type[Any]:
    """The state machine class: each instance is one run, on the one hub of ``session``."""
    from hypothesis import strategies as st
    from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

    from kaizen_conformance.cases import explore_hub as examples_of

    profile = session.profile

    class HubMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.steps: list[Any] = []
            self.live = True
            self.counted = False
            self.roster: list[dict[str, Any]] = []  # the last drawn, whether run or not

        def take(self, step: Step) -> None:
            """Run ``step`` and judge it; raise on a wrong answer (Hypothesis then shrinks)."""
            self.steps.append(list(step))
            key = json.dumps(self.steps, ensure_ascii=False)
            if not self.live or tally.stopped is not None:
                self.live = False
                return
            if key not in tally.seen and tally.shrinking_over():
                # past the shrink budget, a sequence never run is not run: it passes
                self.live = False
                return
            tally.seen.add(key)
            if not self.counted:
                self.counted = True
                tally.runs += 1
            try:
                if step[0] == "seed" and step[1] and not tally.set_up:
                    # the first roster with records: one none of which comes back says the
                    # seed function writes where the hub does not read (a setup mistake)
                    tally.set_up = True
                    failure = session.seed(step[1], first_of_all=True)
                else:
                    failure = session.run(step)
            except ConfigurationError as error:
                tally.stopped = error
                self.live = False
                return
            if failure is None:
                return
            if not tally.first_failure:
                tally.first_failure = tally.runs
                tally.started_shrinking = time.monotonic()
            failure.run = [(kind, argument) for kind, argument in self.steps]
            tally.failure = failure
            raise AssertionError(f"{failure.rule}: {failure.message}")

        @initialize(roster=examples_of.rosters())
        def seed(self, roster: list[dict[str, Any]]) -> None:
            self.roster = roster
            self.take(("seed", roster))

        @rule(roster=examples_of.rosters())
        def reseed(self, roster: list[dict[str, Any]]) -> None:
            self.roster = roster
            self.take(("seed", roster))

        @rule(data=st.data())
        def query(self, data: st.DataObject) -> None:
            held = tuple(dict.fromkeys(str(r["domain"]) for r in self.roster))
            self.take(("query", data.draw(examples_of.queries(profile, held))))

        @precondition(lambda self: profile == "v2")
        @rule(value=examples_of.spellings())
        def spelling(self, value: str) -> None:
            self.take(("spelling", value))

        @rule()
        def read(self) -> None:
            self.take(("read", None))

    return HubMachine


def fewer_records(session: HubSession, failure: Failure, tally: Tally) -> tuple[Failure, bool]:
    """Drop each record the failure does not need, replaying from a fresh seed each time;
    (the failure, whether a fresh seed of its roster shows it: a failure that needs the seeds
    before it is written with its last roster all the same, and says so)."""
    replayed = session.replay(failure.records, failure.step)
    tally.runs += 1
    if replayed is None or replayed.rule != failure.rule:
        return failure, False
    failure = replace(replayed, run=failure.run)
    at = 0
    # within the shrink time too: a hub that hangs costs one limit per replay
    while at < len(failure.records) and time.monotonic() - tally.started_shrinking < SHRINK_SECONDS:
        fewer = failure.records[:at] + failure.records[at + 1 :]
        tally.runs += 1
        verdict = session.replay(fewer, failure.step)
        if verdict is not None and verdict.rule == failure.rule:
            failure = replace(verdict, run=failure.run)
        else:
            at += 1
    return failure, True


def said(step: Step) -> str:
    """A step of a run, briefly: ``seed 2 records``, ``GET /repos/?domain=labs``."""
    from kaizen_conformance.adapters.hub import request_line

    kind, argument = step
    if kind == "seed":
        return f"seed {len(argument)} record{'' if len(argument) == 1 else 's'}"
    if kind == "query":
        return request_line(tuple(argument))
    if kind == "spelling":
        return request_line(((FLAG, argument),))
    return request_line(())


def verdict_of(
    failure: Failure, chosen_seed: int, profile: str, fresh: bool
) -> tuple[str, Verdict]:
    """(the case id, the verdict with its ready case.yml data)."""
    from kaizen_conformance.cases import explore_hub as examples_of
    from kaizen_conformance.cases.explore import example_id

    what = (
        "; ".join(line.strip().removeprefix("- ") for line in failure.message.splitlines()[1:3])
        or failure.message.splitlines()[0]
    )
    message = failure.message + "\n  (the shrunk run: " + " → ".join(map(said, failure.run)) + ")"
    if not fresh:
        message += (
            "\n  (seen only after the seeds before it: a fresh seed of this roster answers right, "
            "so the golden suite may not show it)"
        )
    description = (
        f"Found by exploration (seed {chosen_seed}, profile {profile}), {failure.rule}: {what}"
    )
    params = failure.step[1] if failure.step[0] == "query" else None
    case = examples_of.case_data(failure.records, params, description[:300], profile)
    case_id = example_id({"records": failure.records, "step": list(failure.step)})
    return case_id, Verdict(failure.rule, message, case)


def explore_hub(context: CheckContext) -> tuple[Finding | None, int]:
    """Run the budget of state-machine runs; (the shrunk failure or None, runs)."""
    from hypothesis import seed, settings
    from hypothesis.errors import Flaky
    from hypothesis.stateful import run_state_machine_as_test

    from kaizen_conformance.adapters.hub import seed_spec
    from kaizen_conformance.roles.hub import SetupFailure, driver_of

    if seed_spec(context.settings) is None:
        pytest.skip(
            "the hub is explored by seeding it: give --kaizen-hub-seed=module:function "
            "(called function(app or url, records))"
        )
    driver = driver_of(context)
    if isinstance(driver, SetupFailure):
        raise ConfigurationError(driver.message)
    options = context.settings.options
    chosen_seed = int(options.explore_seed)
    profile = context.settings.profile(ROLE)
    session = HubSession(context, driver, profile)
    tally = Tally()
    base = scratch(context, ROLE)

    configured = settings(
        explorer_settings(int(options.explore_examples)), stateful_step_count=STEPS
    )
    try:
        with driver.exclusive(seeded=True):
            factory = seed(chosen_seed)(machine(session, tally))
            try:
                with hypothesis_home(base.parent / "hypothesis-home"):
                    run_state_machine_as_test(factory, settings=configured)
            except (AssertionError, Flaky):
                pass  # the shrunk failure is in the tally: Hypothesis replays it last
            if tally.stopped is not None:
                raise tally.stopped
            if tally.failure is None:
                return None, tally.runs
            failure, fresh = fewer_records(session, tally.failure, tally)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    case_id, verdict = verdict_of(failure, chosen_seed, profile, fresh)
    finding = Finding(
        ROLE,
        verdict.rule,
        case_id,
        verdict.message,
        tally.first_failure,
        tally.runs,
        chosen_seed,
        verdict.case,
    )
    write_out(context, finding)
    return finding, tally.runs
