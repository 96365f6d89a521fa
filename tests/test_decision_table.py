"""The decision table is the one source of the resolver's decision: every resolver case's
expected outcome is what the table gives for its records, case by case and profile by profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaizen_conformance.cases.facts import decide
from kaizen_conformance.cases.resolver import ResolverCase, all_cases
from kaizen_conformance.contract import catalogue
from kaizen_conformance.contract.decisions import table

CASES = [case for case in all_cases() if case.fault is None]


def table_outcome(
    case: ResolverCase, records: list[object], profile: str
) -> tuple[set[str], set[str]]:
    """(slugs the table includes, slugs it leaves to the resolver) for one case and profile."""
    included: set[str] = set()
    either: set[str] = set()
    for record in records:
        row = decide(record, hostname=case.hostname, domain=case.domain, profile=profile).row
        if row.outcome == "included":
            included.add(record["slug"])  # type: ignore[index]
        elif row.outcome == "either":
            either.add(record["slug"])  # type: ignore[index]
    return included, either


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_case_agrees_with_the_decision_table(case: ResolverCase, tmp_path: Path) -> None:
    _, records = case.materialise(tmp_path)
    for profile in case.profiles:
        included, either = table_outcome(case, records, profile)
        expected = set(case.expect[profile]["included"])
        case_either = set(case.expect[profile].get("either", ()))
        assert either <= case_either, (
            f"{case.source} ({profile}): the table leaves {sorted(either - case_either)} to the "
            "resolver, the case does not"
        )
        either |= case_either
        assert expected - either == included - either, (
            f"{case.source} ({profile}): the table includes {sorted(included)}, "
            f"the case expects {sorted(expected)}"
        )


SEQUENCES = [case for case in CASES if case.steps]


@pytest.mark.parametrize("case", SEQUENCES, ids=[case.id for case in SEQUENCES])
def test_every_call_of_a_sequence_agrees_with_the_table_on_the_fleet_as_it_then_is(
    case: ResolverCase, tmp_path: Path
) -> None:
    """Each later call's expectation is the table's answer after the steps so far were made."""
    workspace, first = case.materialise(tmp_path)
    rosters = case.rosters(workspace, first)
    for call, records in enumerate(rosters):
        if call:
            case.change_fleet(workspace, call - 1)
        for profile in case.profiles:
            included, either = table_outcome(case, records, profile)
            expected = set(case.outcome_at(call, profile)["included"])
            assert expected - either == included - either, (
                f"{case.source} ({profile}), call {call + 1}: the table includes "
                f"{sorted(included)}, the case expects {sorted(expected)}"
            )


def test_the_sequence_cases_cover_every_kind_of_change() -> None:
    """Issue-level promise: at least five kinds of change to the fleet between two calls."""
    assert len(SEQUENCES) >= 5, [case.id for case in SEQUENCES]


def test_every_row_names_rules_of_the_catalogue_and_facts_it_knows() -> None:
    known = catalogue()
    decision = table()
    for row in decision.rows:
        assert set(row.rules) <= set(known), row
        for fact, values in row.when.items():
            assert set(values) <= set(decision.facts[fact]), row


def test_every_row_decides_some_case(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A row no case reaches is a row no case checks."""
    reached: set[int] = set()
    for case in CASES:
        _, records = case.materialise(tmp_path_factory.mktemp(case.id))
        for profile in case.profiles:
            for record in records:
                decision = decide(
                    record, hostname=case.hostname, domain=case.domain, profile=profile
                )
                reached.add(decision.row.number)
    unreached = [
        row for row in table().rows if row.number not in reached and row.outcome != "either"
    ]
    assert not unreached, unreached


def test_a_case_that_disagrees_with_the_table_is_caught(tmp_path: Path) -> None:
    """The check above can fail: flag-false-file-valid expecting its repo under v2 disagrees."""
    case = next(c for c in CASES if c.id == "flag-false-file-valid")
    _, records = case.materialise(tmp_path)
    included, _ = table_outcome(case, records, "v2")
    wrong = set(case.expect["v1"]["included"])  # v1 includes it: the v2 table must not
    assert wrong != included
