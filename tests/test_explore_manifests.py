"""The manifest grammar, and the manifest tools explored with it, have teeth and stay honest.

The grammar's verdicts are the contract judge's, never the reference's: the kit's own readers
agree with every drawn manifest, and none is drawn whose verdict depends on the YAML reader.
Each golden-blind validator or list mistake (tests/mutants_explore/validate/, list/) passes
every golden case, yet exploration finds it within the default budget, on the rule it declares,
and writes a corpus entry that, added to a copy of the fixtures, makes the golden suite catch it
too. The reference passes exploration under several seeds. Every kit run is a child process
bounded in time.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import mutants_explore.list
import mutants_explore.validate
import pytest
from kitrun import run_kit
from test_explore import LIMIT, MATRIX_OPTIONS, WRONG_ANSWER, explore_item, options_of

from kaizen_conformance.cases.loading import FIXTURES_ENV, fixtures_root

if TYPE_CHECKING:
    from kaizen_conformance.cases.explore_manifests import Drawn

MUTANTS = [
    importlib.import_module(f"{package.__name__}.{info.name}")
    for package in (mutants_explore.validate, mutants_explore.list)
    for info in pkgutil.iter_modules(package.__path__)
    if not info.name.startswith("_")
]


def drawn(count: int, seed: int, mutate: bool | None = None) -> list[Drawn]:
    """``count`` manifests of the grammar under ``seed`` (Hypothesis kept out of the rootdir)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as seeded

    from kaizen_conformance.cases import explore_manifests

    found: list[Drawn] = []

    @seeded(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(explore_manifests.manifests(mutate))
    def collect(manifest: Drawn) -> None:
        found.append(manifest)

    collect()
    return found


def test_the_grammars_verdicts_are_the_judges_and_hold_for_every_reader(tmp_path: Path) -> None:
    from kaizen_conformance.contract import manifest_judge
    from kaizen_conformance.reference import manifest_tools

    manifests = drawn(300, seed=0)
    rules = {(m.valid, m.rule) for m in manifests}
    # both verdicts, and each SCH rule the grammar's mutations turn on
    assert {(True, "SCH-001"), (False, "SCH-001"), (False, "SCH-002"), (False, "SCH-005")} <= rules
    checkout = tmp_path / "subject"
    (checkout / ".kaizen").mkdir(parents=True)
    for manifest in manifests:
        text: str = manifest.text
        data = text.encode("utf-8")
        assert len(data) < 4096, text  # small: a case anyone can read
        assert not manifest_judge.reading_depends_on_parser(text), text
        assert manifest_judge.check_bytes(data, portable=True).valid == manifest.valid, text
        (checkout / ".kaizen" / "schedule.yml").write_bytes(data)
        try:
            manifest_tools.validate(str(checkout))
            accepted = True
        except manifest_tools.ScheduleInvalid:
            accepted = False
        # the reference (written apart from the judge) agrees: the grammar holds no disagreement
        assert accepted == manifest.valid, text


def test_unmutated_manifests_are_valid_and_mutated_ones_mostly_invalid() -> None:
    assert all(m.valid for m in drawn(100, seed=1, mutate=False))
    mutated = drawn(100, seed=1, mutate=True)
    assert sum(not m.valid for m in mutated) >= 90


def test_a_reader_dependent_text_has_no_verdict() -> None:
    from kaizen_conformance.cases.explore_manifests import verdict

    base = "version: 1\nagents:\n  - name: coach\n    cadence: weekly\n"
    assert verdict(base) == (True, "SCH-001")
    assert verdict(base + "    enabled: yes\n") is None  # YAML 1.1's true, 1.2's string
    assert verdict(base + "    description: on\n") is None  # invalid to 1.1, valid to 1.2
    assert verdict(base + '    enabled: "yes"\n') == (False, "SCH-001")
    assert verdict(base + "  - name: coach\n    cadence: daily\n") == (False, "SCH-002")
    assert verdict(base + "    cadence: daily\n") == (False, "SCH-005")


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.__name__.rpartition(".")[2])
def test_exploration_finds_a_golden_blind_manifest_tool_mistake_and_writes_an_entry_that_catches_it(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mutant: ModuleType
) -> None:
    out = kit_pytester.path / "found"
    # 1. the golden cases and exploration, in one run at the default budget
    run = run_kit(
        kit_pytester,
        *MATRIX_OPTIONS,
        *options_of(mutant),
        "-k",
        mutant.ROLE,
        "--kaizen-explore",
        f"--kaizen-explore-out={out}",
        subprocess=True,
        limit=LIMIT,
    )
    golden = [i for i in run.role_items(mutant.ROLE) if not i.name.startswith("explore[")]
    assert golden, run.result.stdout.str()[-3000:]
    judged_wrong = [(i.name, i.message[:300]) for i in golden if i.kind == WRONG_ANSWER]
    assert not judged_wrong, f"{mutant.__name__} is not golden-blind: {judged_wrong}"
    explored = explore_item(run, mutant.ROLE)
    assert explored["outcome"] == "xfailed", explored
    assert run.result.ret == 0, run.result.stdout.str()[-3000:]
    finding = json.loads(explored["kaizen_explore_found"])
    assert finding["rule"] == mutant.FINDS, finding
    assert re.search(mutant.MESSAGE, finding["message"]), finding
    written = Path(finding["written"])
    assert (written / "corpus.yml").is_file(), finding

    # 2. the entry, added to a copy of the fixtures' corpus, makes the golden suite catch it
    fixtures = kit_pytester.path / "fixtures"
    shutil.copytree(fixtures_root(), fixtures)
    shutil.copytree(written / "explored", fixtures / "manifests" / "explored", dirs_exist_ok=True)
    corpus = fixtures / "manifests" / "corpus.yml"
    corpus.write_text(
        corpus.read_text(encoding="utf-8") + (written / "corpus.yml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    monkeypatch.setenv(FIXTURES_ENV, str(fixtures))
    caught = run_kit(
        kit_pytester,
        *MATRIX_OPTIONS,
        *options_of(mutant),
        "-k",
        written.name,
        subprocess=True,
        limit=LIMIT,
    )
    failed = {rule for i in caught.items if i.outcome == "failed" for rule in i.rules}
    assert mutant.FINDS in failed, caught.result.stdout.str()[-3000:]
    messages = [i.message for i in caught.items if i.outcome == "failed"]
    assert any(re.search(mutant.MESSAGE, m) for m in messages), messages


@pytest.mark.parametrize("seed", ["0", "1", "2", "3"])
def test_the_reference_validator_passes_exploration(
    kit_pytester: pytest.Pytester, seed: str
) -> None:
    run = run_kit(
        kit_pytester,
        *MATRIX_OPTIONS,
        "--kaizen-reference",
        "-k",
        "validate and explore",
        "--kaizen-allow-incomplete",
        "--kaizen-explore",
        f"--kaizen-explore-seed={seed}",
        subprocess=True,
        limit=LIMIT,
    )
    explored = explore_item(run, "validate")
    assert explored["outcome"] == "passed", explored
    assert int(explored["kaizen_explore_examples"]) >= 100, explored
    assert run.result.ret == 0
    assert not (kit_pytester.path / ".hypothesis").exists()
