"""Exploration (``--kaizen-explore``): a role run on examples Hypothesis draws, beyond the golden
cases, each judged as a golden case of that role would be.

What every role's exploration shares lives here: the finding it reports, the budget, the driver
that runs a strategy's examples through a role's judge and keeps the shrunk failure, and where
Hypothesis keeps its files. Each role's own explorer (``explore_resolver``, ``explore_hub``,
``explore_prepare``) draws its examples and judges them; ``explorers`` maps a role to its own.

A failing example is shrunk by Hypothesis to a minimal one and written out as a ready case
(``--kaizen-explore-out``), naming the one rule it breaks. Its verdict stays apart from the
golden cases' (``explore[<role>]`` in the summary and reports) unless ``--kaizen-explore-strict``
asks for it to count.

Hypothesis is imported inside the functions: the kit imports it only when exploring.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaizen_conformance.core.checks import CheckContext, FailureKind

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

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
    files: dict[str, bytes] = field(default_factory=dict)  # written beside case.yml
    written: str = ""
    whole: bool = False  # the implementation gave no answer to judge item by item (Verdict.whole)
    kind: FailureKind = FailureKind.WRONG_ANSWER  # what happened, as a golden failure says it

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
            "failure_kind": self.kind.value,
        }


@dataclass
class Verdict:
    """A judge's word on one example the implementation got wrong: the one rule it breaks, the
    failure as the golden check words it, and the ready case (``case.yml`` data and any files
    beside it)."""

    rule: str
    message: str
    case: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    # no answer to judge item by item (a crash, an overrun, malformed output): any example that
    # still fails so is the same failure, whatever rule its odd records would name
    whole: bool = False
    kind: FailureKind = FailureKind.WRONG_ANSWER  # wrong answer, crashed, over-limit


# A role's judge: None when the implementation got the example right.
Judge = Callable[[Any], "Verdict | None"]


@dataclass
class Tally:
    calls: int = 0
    first_failure: int = 0
    started_shrinking: float = 0.0


@contextmanager
def hypothesis_home(home: Path) -> Iterator[None]:
    """Hypothesis's own files (its cache of the code's constants) under pytest's temporary
    directory while exploring: with ``database=None`` nothing else is written, and no
    ``.hypothesis/`` appears in the user's directory. The user's own setting is put back after,
    for their own Hypothesis tests in the same run."""
    from hypothesis import configuration

    previous = configuration.storage_directory(intent_to_write=False).home_directory
    configuration.set_hypothesis_home_dir(home)
    try:
        yield
    finally:
        configuration.set_hypothesis_home_dir(previous)


def explorer_settings(budget: int) -> Any:
    """The same settings for every role: a budget of examples, no database (nothing is kept
    between runs, so a seed alone decides the examples), no deadline (the per-call limit bounds
    each call), quiet."""
    from hypothesis import HealthCheck, Phase, Verbosity
    from hypothesis import settings as hypothesis_settings

    return hypothesis_settings(
        max_examples=budget,
        database=None,
        deadline=None,
        derandomize=False,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        print_blob=False,
    )


def scratch(context: CheckContext, role: str) -> Path:
    """A fresh directory under pytest's temporary directory for one role's examples."""
    return Path(context.request.getfixturevalue("tmp_path_factory").mktemp(f"explore-{role}"))


def drive(
    context: CheckContext,
    role: str,
    strategy: SearchStrategy[Any],
    judge: Judge,
    *,
    example_id: Callable[[Any], str],
    home: Path,
    reduce: Callable[[Any, Finding, Callable[[Any], Verdict | None]], Finding] | None = None,
) -> tuple[Finding | None, int]:
    """Run the budget of ``strategy``'s examples through ``judge``; (the shrunk failure or None,
    examples run).

    An example drawn twice is judged once. Once a failure is found, Hypothesis shrinks it within
    ``SHRINK_CALLS`` more examples or ``SHRINK_SECONDS``; ``reduce`` may then shrink further in
    the role's own terms (dropping records Hypothesis left), judging with the same counted judge.
    """
    from hypothesis import given, seed

    options = context.settings.options
    chosen_seed = int(options.explore_seed)
    known: dict[str, Verdict | None] = {}
    tally = Tally()
    last: list[Finding] = []
    shrunk: list[Any] = []  # the example of ``last``

    def counted(data: Any) -> Verdict | None:
        tally.calls += 1
        return judge(data)

    def probe(data: Any) -> None:
        key = example_id(data)
        if key not in known:
            shrinking_over = tally.first_failure and (
                tally.calls - tally.first_failure > SHRINK_CALLS
                or time.monotonic() - tally.started_shrinking > SHRINK_SECONDS
            )
            if shrinking_over:
                return  # an unseen example after the shrink budget: not run, not a failure
            known[key] = counted(data)
        verdict = known[key]
        if verdict is None:
            return
        if not tally.first_failure:
            tally.first_failure = tally.calls
            tally.started_shrinking = time.monotonic()
        shrunk[:] = [data]
        last[:] = [
            Finding(
                role,
                verdict.rule,
                key,
                verdict.message,
                tally.first_failure,
                tally.calls,
                chosen_seed,
                verdict.case,
                verdict.files,
                whole=verdict.whole,
                kind=verdict.kind,
            )
        ]
        raise AssertionError(f"{verdict.rule}: {verdict.message}")

    tested: Callable[[], None] = given(strategy)(probe)
    configured: Callable[[], None] = explorer_settings(int(options.explore_examples))(tested)
    explorer: Callable[[], None] = seed(chosen_seed)(configured)
    try:
        with hypothesis_home(home):
            explorer()
    except AssertionError:
        pass  # the shrunk failure is in ``last``: Hypothesis replays it last
    if not last:
        return None, tally.calls
    finding = last[0]
    if reduce is not None:
        finding = reduce(shrunk[0], finding, counted)
    finding.run = tally.calls
    return finding, tally.calls


# Writes a finding's case under a directory: (out, role, case id, case data, files) -> where.
Writer = Callable[[Path, str, str, dict[str, Any], dict[str, bytes]], Path]


def write_out(context: CheckContext, finding: Finding, writer: Writer | None = None) -> None:
    """Write the finding as a ready case under ``--kaizen-explore-out`` (relative to the rootdir),
    when given: a case directory (``cases.explore.write_case``), or what ``writer`` writes (a
    manifest-corpus entry for the manifest tools)."""
    from kaizen_conformance.cases.explore import write_case

    out_option = context.settings.options.explore_out
    if not out_option:
        return
    out = Path(out_option)
    if not out.is_absolute():
        out = context.settings.rootpath / out
    where = (writer or write_case)(out, finding.role, finding.case_id, finding.case, finding.files)
    finding.written = str(where)


def first_lines(message: str, count: int = 2) -> str:
    """A message's first lines after its header, joined: a case description's "what went wrong"."""
    return "; ".join(line.strip() for line in message.splitlines()[1 : 1 + count])


def description(seed: int, profile: str, message: str) -> str:
    """The description of a written case: where it came from and what went wrong."""
    what = first_lines(message) or message.splitlines()[0]
    return f"Found by exploration (seed {seed}, profile {profile}): {what}"[:300]
