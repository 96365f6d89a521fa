"""The hub's exploration (``explore[hub]``) draws only cases the golden suite accepts, repeats
itself per seed, reports apart, and asks for a seed function rather than guessing.

Its teeth (golden-blind mutants found, shrunk and caught by the golden suite once added) are
proven with every role's in tests/test_explore.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kitrun import run_kit

from kaizen_conformance.cases import explore_hub as examples_of
from kaizen_conformance.cases.explore import write_case
from kaizen_conformance.cases.hub import FLAG, STAMP, load_hub_case, probes, select
from kaizen_conformance.contract.rfc3339 import rfc3339_instant, rfc3339_problem

LIMIT = 420  # seconds for one child run
MUTANT = "mutants_explore.hub.fraction_rounding_loses_carry"
MUTANT_OPTIONS = (
    "--kaizen-timeout=10",
    f"--kaizen-hub-app={MUTANT}:app",
    f"--kaizen-hub-seed={MUTANT}:seed",
)


@settings(
    max_examples=150,
    database=None,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_every_drawn_roster_and_query_is_a_hub_case_the_golden_suite_loads(
    tmp_path: Path, data: Any
) -> None:
    roster = data.draw(examples_of.rosters())
    held = tuple(dict.fromkeys(r["domain"] for r in roster))
    params = data.draw(examples_of.queries("v2", held))
    for record in roster:
        if STAMP in record:
            assert FLAG in record
            assert rfc3339_problem(record[STAMP]) == "", record
    case = examples_of.case_data(roster, params, "an explored example", "v2")
    where = write_case(tmp_path, "hub", "drawn", case)
    # the golden loader lints it: schema, unique slugs, flag fields in pairs, valid instants,
    # the expected slugs what the records give
    loaded = load_hub_case(where, probes())
    assert [q.params for q in loaded.queries] == [params]
    assert sorted(loaded.queries[0].expect) == sorted(select(roster, params))


def test_timestamps_reach_the_contracts_edges() -> None:
    """Leap seconds in other offsets, sub-microsecond fractions that round into the next second,
    negative offsets with minutes and lower-case t and z are all drawn (and all valid)."""
    seen: list[str] = []

    @settings(max_examples=300, database=None, deadline=None, derandomize=True)
    @given(examples_of.timestamps())
    def draw(stamp: str) -> None:
        seen.append(stamp)

    draw()
    assert all(rfc3339_problem(s) == "" for s in seen)
    leap_elsewhere = [s for s in seen if ":60" in s and "23:59:60" not in s]
    assert leap_elsewhere, "no leap second written in another offset"
    assert any(s.endswith("-03:30") or s.endswith("-09:30") for s in seen)
    assert any("t" in s[10:11] for s in seen) and any(s.endswith("z") for s in seen)
    assert any(re.search(r"\.[0-9]{7,}", s) for s in seen)  # finer than a microsecond
    # a leap second is 23:59:60 UTC: its instant is midnight UTC, whatever the offset
    for stamp in leap_elsewhere:
        assert int(rfc3339_instant(stamp)) % 86400 == 0, stamp


def test_a_hub_without_a_seed_function_is_not_explored_and_says_what_to_give(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-hub-app=kaizen_conformance.reference.hub:app",
        "--kaizen-explore",
        "-k",
        "hub",
        "--kaizen-allow-incomplete",
        subprocess=True,
        limit=LIMIT,
    )
    explored = [item for item in run.items if item.name == "explore[hub]"]
    assert len(explored) == 1 and explored[0].outcome == "skipped", run.result.stdout.str()[-2000:]
    run.result.stdout.fnmatch_lines(["*explored: not run (*--kaizen-hub-seed=module:function*"])


def test_the_same_seed_explores_the_hub_the_same_way_under_xdist_too(
    kit_pytester: pytest.Pytester,
) -> None:
    runs = [
        run_kit(
            kit_pytester,
            *MUTANT_OPTIONS,
            "-k",
            "hub and explore",
            "--kaizen-allow-incomplete",
            "--kaizen-explore",
            "--kaizen-explore-seed=0",
            f"--kaizen-report=report-{index}.json",
            *extra,
            subprocess=True,
            limit=LIMIT,
        )
        for index, extra in enumerate(([], ["-n", "2"]))
    ]
    findings = []
    for index, run in enumerate(runs):
        assert run.result.ret == 0, run.result.stdout.str()[-2000:]
        report = json.loads((kit_pytester.path / f"report-{index}.json").read_text())
        explored = report["explored"]["hub"]
        assert explored["outcome"] == "found", explored
        findings.append(explored["finding"])
    assert findings[0]["rule"] == "HUB-003", findings
    assert findings[0]["case"] == findings[1]["case"], findings
    assert findings[0]["examples_to_find"] == findings[1]["examples_to_find"], findings
    assert not (kit_pytester.path / ".hypothesis").exists()


PICKY_SEED = """\
from kaizen_conformance.reference.hub import seed as reference_seed


def seed(app, records):
    # a store that cannot take a quarter-hour offset, which the golden rosters never have
    if any(":45" in str(r.get("kaizen_schedule_updated_at"))[19:] for r in records):
        raise ValueError("offset +05:45 not supported by this store")
    return reference_seed(app, records)
"""


def test_a_seed_that_fails_on_an_explored_roster_stops_exploring_without_a_verdict(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(picky_seed=PICKY_SEED)
    run = run_kit(
        kit_pytester,
        "--kaizen-timeout=10",
        "--kaizen-hub-app=kaizen_conformance.reference.hub:app",
        "--kaizen-hub-seed=picky_seed:seed",
        "--kaizen-explore",
        "--kaizen-explore-strict",
        "-k",
        "hub",
        subprocess=True,
        limit=LIMIT,
    )
    explored = [item for item in run.items if item.name == "explore[hub]"]
    assert len(explored) == 1 and explored[0].outcome == "skipped", run.result.stdout.str()[-2000:]
    # not the kit's error, not a finding: not run, with the seed's own words
    run.result.stdout.fnmatch_lines(
        ["*explored: not run (not explored: *offset +05:45 not supported*"]
    )
    # the golden verdict stands: every golden check passed
    run.result.stdout.fnmatch_lines(["  verdict: CONFORMS"])
    assert run.result.ret == 0
