"""Prepare's exploration, in-process: its oracle agrees with every golden it can model, and
every example it draws is a case the golden suite's loader accepts.

The oracle shares no code with the reference prepare; the goldens were made by the reference
and reviewed. Agreeing on every golden fixture repo (git checkouts and invalid manifests aside:
exploration draws neither) is the evidence that the oracle reads the contract as they do.
(tests/test_explore.py proves the teeth: golden-blind mutants found, cases that catch them.)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from kaizen_conformance.cases import prepare_oracle
from kaizen_conformance.cases.goldens import serialise
from kaizen_conformance.cases.loading import fixtures_root

hypothesis = pytest.importorskip("hypothesis")
explore_prepare = pytest.importorskip("kaizen_conformance.cases.explore_prepare")

# Fixture repos exploration does not draw: git checkouts (PRE-010), a manifest that is invalid
# (the corpus's part), the root given through a link.
NOT_MODELLED = ("git-", "invalid-manifest", "missing-manifest", "root-via-symlink")


def modelled_cases() -> list[Path]:
    base = fixtures_root() / "prepare"
    return [
        d
        for d in sorted(base.iterdir())
        if (d / "case.yml").is_file() and not d.name.startswith(NOT_MODELLED)
    ]


def case_files(directory: Path, agent: str) -> Any:
    data = yaml.safe_load((directory / "case.yml").read_text(encoding="utf-8"))
    repo = {}
    for folder, _, names in os.walk(directory / "repo"):
        for name in names:
            path = Path(folder, name)
            repo[path.relative_to(directory / "repo").as_posix()] = path.read_bytes()
    return prepare_oracle.CaseFiles(
        agent, data.get("checkout", "subject"), data.get("files", []), repo
    ), data["agents"][agent]


@pytest.mark.parametrize(
    ("directory", "agent"),
    [
        pytest.param(d, agent, id=f"{d.name}/{agent}")
        for d in modelled_cases()
        for agent in yaml.safe_load((d / "case.yml").read_text(encoding="utf-8"))["agents"]
    ],
)
def test_the_oracle_agrees_with_every_golden_it_can_model(directory: Path, agent: str) -> None:
    files, expected = case_files(directory, agent)
    outcome = prepare_oracle.oracle(files)
    if expected == "event":
        assert outcome.defined and outcome.data is not None, outcome.reasons
        golden = (directory / "golden" / f"{agent}.json").read_text(encoding="utf-8")
        assert serialise(prepare_oracle.golden_of(agent, outcome.data)) == golden
    elif outcome.defined:
        assert outcome.expect() == expected
    else:
        # more than one reason to refuse: the golden's rule is one of them, and exploration
        # never draws such an example (the contract does not order the reasons)
        assert outcome.rule == expected["error"], outcome.reasons


@hypothesis.settings(max_examples=40, database=None, deadline=None)
@hypothesis.given(explore_prepare.examples())
def test_every_example_is_a_case_the_loader_accepts(
    tmp_path_factory: pytest.TempPathFactory, example: dict[str, Any]
) -> None:
    from kaizen_conformance.cases.explore import write_case
    from kaizen_conformance.cases.prepare import load_prepare_case

    files = explore_prepare.case_of(example)
    outcome = prepare_oracle.oracle(files)
    repo = {f"repo/{path}": content for path, content in files.repo.items()}
    if outcome.data is not None:
        golden = serialise(prepare_oracle.golden_of(files.agent, outcome.data))
        repo[f"golden/{files.agent}.json"] = golden.encode("utf-8")
    out = tmp_path_factory.mktemp("written")
    case_id = explore_prepare.example_id(example)
    written = write_case(out, "prepare", case_id, files.case_data("a case", outcome.expect()), repo)
    case = load_prepare_case(written)
    assert list(case.agents) == [files.agent]
    assert case.agents[files.agent].is_event == (outcome.data is not None)


def test_the_same_example_has_the_same_id() -> None:
    example = {
        "checkout": "subject",
        "agent": "coach",
        "manifest": [{"name": "coach", "cadence": "weekly"}],
        "prompt": {"kind": "file", "content": b"\xff\r\n"},
        "memory": None,
        "metrics": None,
    }
    assert explore_prepare.example_id(example) == explore_prepare.example_id(dict(example))
    assert explore_prepare.example_id(example).startswith("explore-")
