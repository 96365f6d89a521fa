"""The manifest grammar, and the manifest tools explored with it, have teeth and stay honest.

The grammar's verdicts are the contract judge's, never the reference's: the kit's own readers
agree with every drawn manifest, and none is drawn whose verdict depends on the YAML reader.
The golden-blind validator and list mistakes (tests/mutants_explore/validate/, list/), found
and written as corpus entries the golden suite then catches, and the reference's clean
exploration under several seeds, are proven with every role's in tests/test_explore.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kaizen_conformance.cases.explore_manifests import Drawn


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
        assert len(text) < 4096, (
            text
        )  # small: a case anyone can read (in characters: emoji are 4 bytes)
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


def test_the_grammar_draws_characters_beyond_u_ffff_on_both_sides_of_each_limit() -> None:
    # a reader counting UTF-16 code units (JavaScript's .length) sees 1000 where there are 500
    import json

    from kaizen_conformance.cases import explore_manifests as grammar
    from kaizen_conformance.contract import manifest_judge

    def astral(value: object, length: int) -> bool:
        return (
            isinstance(value, str)
            and len(value) == length
            and any(ord(char) > 0xFFFF for char in value)
        )

    assert any(astral(d, 500) for d in grammar.DESCRIPTIONS)
    assert any(astral(d, 501) for d in grammar.BAD_DESCRIPTIONS)
    assert any(astral(n, 63) for n in grammar.BAD_NAMES)  # names are ASCII: the pattern refuses it
    for description in grammar.DESCRIPTIONS[1:]:
        text = (
            "version: 1\nagents:\n  - name: coach\n    cadence: weekly\n"
            f"    description: {json.dumps(description, ensure_ascii=False)}\n"
        )
        assert manifest_judge.check_bytes(text.encode("utf-8")).valid, description
