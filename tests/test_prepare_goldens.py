"""The prepare goldens: what they hold, how syrupy treats them, and where they may be rewritten."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from kitrun import run_kit
from syrupy.data import Snapshot, SnapshotCollection

from kaizen_conformance import contract
from kaizen_conformance.cases import goldens, locations, prepare

REFERENCE = "--kaizen-prepare=kaizen_conformance.reference.prepare:prepare"
SOURCE_FIXTURES = locations.fixtures_dir()
CASES = prepare.fixture_cases(SOURCE_FIXTURES)
GOLDENS = [
    (case, agent) for case in CASES for agent, expect in case.agents.items() if expect.is_event
]


@pytest.fixture(autouse=True)
def syrupy_is_not_an_xdist_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under ``-n 2`` the kit runs inside a worker: syrupy would skip its report and unused detection."""
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)


# --------------------------------------------------------------------------- what the goldens hold


@pytest.mark.parametrize(("case", "agent"), GOLDENS, ids=[f"{c.id}/{a}" for c, a in GOLDENS])
def test_each_golden_is_normalised_valid_and_true_to_the_fixture_bytes(
    case: prepare.PrepareCase, agent: str
) -> None:
    """The goldens are checked against the fixture files themselves, not only against the reference."""
    text = case.golden(agent).read_text(encoding="utf-8")
    golden = json.loads(text)
    assert text == json.dumps(golden, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    assert (golden["id"], golden["time"], golden["data"]["repo"]["root"]) == (
        "<id>",
        "<time>",
        "<repo>",
    )
    assert "source" not in golden
    event = {**golden, "id": "x", "time": "2026-06-17T06:19:51Z", "source": "kaizen-agentic"}
    event["data"] = {**golden["data"], "repo": {**golden["data"]["repo"], "root": "/repo"}}
    errors = [e.message for e in contract.validator("prepared-event").iter_errors(event)]
    assert not errors
    repo = case.directory / "repo"
    data = golden["data"]
    assert (golden["subject"], data["agent"]) == (agent, agent)
    for entry in [data["prompt"], *data["memory"], *([data["metrics"]] if data["metrics"] else [])]:
        content = (repo / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest(), entry["path"]
        assert entry["bytes"] == len(content), entry["path"]
    memory_dir = repo / ".kaizen" / "agents" / agent / "memory"
    expected = sorted(
        f".kaizen/agents/{agent}/memory/{p.name}"
        for p in (memory_dir.iterdir() if memory_dir.is_dir() else [])
        if p.name.endswith(".md") and p.is_file() and not p.is_symlink()
    )
    assert [entry["path"] for entry in data["memory"]] == expected
    metrics = repo / ".kaizen" / "metrics" / f"{agent}.json"
    if metrics.exists():
        assert data["metrics"]["values"] == json.loads(metrics.read_bytes())
    else:
        assert data["metrics"] is None
    # a git checkout of its own has a head; a plain directory inside another work tree has none
    own_checkout = case.git is not None and not case.git.get("enclosing")
    assert (data["repo"]["head"] is None) == (not own_checkout)


def test_every_agent_expecting_an_event_has_a_golden_and_nothing_else_does() -> None:
    assert not [p for case in CASES for p in prepare.missing_goldens(case)]
    on_disk = {p for p in SOURCE_FIXTURES.glob("prepare/*/golden/*")}
    assert on_disk == {case.golden(agent) for case, agent in GOLDENS}


def test_the_cases_cover_what_the_contract_asks_for() -> None:
    rules = {
        expect.rule for case in CASES for expect in case.agents.values() if not expect.is_event
    }
    assert rules == {"PRE-004", "PRE-008", "PRE-009"}
    assert any(case.git and "separate_git_dir" in case.git for case in CASES)
    assert any(not case.checkout.isascii() and " " in case.checkout for case in CASES)
    assert prepare.corpus_cases(), "every invalid corpus manifest is a PRE-009 case"


# --------------------------------------------------------------------------- syrupy in a partial run


UNUSED = r".*\bsnapshots? unused\b.*"


def test_a_partial_run_does_not_count_other_goldens_as_unused(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(kit_pytester, REFERENCE, "-k", "PRE-002 and minimal", "--kaizen-allow-incomplete")
    assert run.result.ret == 0
    run.result.stdout.fnmatch_lines(["1 snapshot passed."])
    run.result.stdout.no_re_match_line(UNUSED)


def test_a_whole_run_with_skipped_cases_counts_no_golden_as_unused(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepare, "git_executable", lambda: None)  # the git cases' goldens go unused
    run = run_kit(kit_pytester, REFERENCE)
    # no git: the git cases are skipped, so prepare is INCOMPLETE, and CI must not read it as a pass
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    run.result.stdout.fnmatch_lines(["kaizen exit status 1: prepare INCOMPLETE (*"])
    run.result.stdout.re_match_lines([r"\d+ snapshots passed\."])
    run.result.stdout.no_re_match_line(UNUSED)


def test_a_partial_run_under_xdist_does_not_count_goldens_as_unused(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        REFERENCE,
        "-k",
        "PRE-002 and (minimal or non-ascii)",
        "-n",
        "2",
        "--kaizen-allow-incomplete",
    )
    assert run.result.ret == 0
    run.result.stdout.fnmatch_lines(["2 snapshots passed."])
    run.result.stdout.no_re_match_line(UNUSED)


# --------------------------------------------------------------------------- where goldens may be rewritten


def test_an_installed_kit_refuses_snapshot_update(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locations, "is_source_checkout", lambda: False)
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "--kaizen-reference", "--snapshot-update"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: kaizen-conformance: --snapshot-update would rewrite the prepare goldens inside the installed "
            "package (*prepare); installed goldens are read-only.",
            "Update your own project's snapshots in a run that does not collect the kit's suite (without "
            "--pyargs kaizen_conformance). Goldens change only with the contract, from a source checkout of "
            "kaizen-conformance: pytest --pyargs kaizen_conformance --kaizen-reference --snapshot-update -k PRE-002",
        ]
    )


def test_snapshot_update_new_only_is_refused_too(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locations, "is_source_checkout", lambda: False)
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", REFERENCE, "--snapshot-update-new-only"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: kaizen-conformance: --snapshot-update-new-only would rewrite*"]
    )


def test_goldens_are_regenerated_from_the_reference_only(kit_pytester: pytest.Pytester) -> None:
    result = kit_pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-prepare=mutants.prepare.head_always_null:prepare",
        "--snapshot-update",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: kaizen-conformance: --snapshot-update regenerates the prepare goldens from the reference "
            "implementation only, not from --kaizen-prepare=mutants.prepare.head_always_null:prepare; run pytest*"
        ]
    )


def test_snapshot_update_is_left_alone_when_prepare_is_not_configured(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-resolver=kaizen_conformance.reference.resolver:resolve_v2",
        "--snapshot-update",
        "--collect-only",
        "-q",
    )
    assert result.ret == pytest.ExitCode.OK


def test_syrupy_disabled_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--pyargs", "kaizen_conformance", REFERENCE, "-p", "no:syrupy")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: kaizen-conformance: the prepare checks compare events with golden snapshots*drop -p no:syrupy"
        ]
    )


def test_snapshot_update_in_a_source_checkout_rewrites_only_the_selected_goldens(
    kit_pytester: pytest.Pytester, fixtures_copy: Path
) -> None:
    minimal = fixtures_copy / "minimal" / "golden" / "coach.json"
    scribe = fixtures_copy / "memory-and-metrics" / "golden" / "scribe.json"
    untouched = fixtures_copy / "non-ascii" / "golden" / "coach.json"
    originals = {path: path.read_bytes() for path in (minimal, scribe, untouched)}
    minimal.unlink()
    scribe.write_text("{}\n", encoding="utf-8")
    result = kit_pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-reference",
        "--snapshot-update",
        "-k",
        "PRE-002 and (minimal or memory-and-metrics)",
        "-p",
        "no:cacheprovider",
        "--kaizen-allow-incomplete",
    )
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*1 snapshot generated. 1 snapshot updated.*"])
    assert {path: path.read_bytes() for path in originals} == originals


# --------------------------------------------------------------------------- fixture errors


def test_a_missing_golden_is_a_fixture_error_saying_how_to_generate_it(
    kit_pytester: pytest.Pytester, fixtures_copy: Path
) -> None:
    (fixtures_copy / "minimal" / "golden" / "coach.json").unlink()
    result = kit_pytester.runpytest(
        "--pyargs", "kaizen_conformance", REFERENCE, "-p", "no:cacheprovider"
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "kaizen fixture error",
            f"{fixtures_copy / 'minimal' / 'case.yml'}: at $: no golden for coach: *golden/coach.json does not exist",
            "  fix: generate it from a source checkout: pytest --pyargs kaizen_conformance --kaizen-reference "
            "--snapshot-update -k 'PRE-002 and minimal' (then review the new file)",
        ]
    )


def test_a_stale_golden_is_a_fixture_error(
    kit_pytester: pytest.Pytester, fixtures_copy: Path
) -> None:
    shutil.copy(
        fixtures_copy / "minimal" / "golden" / "coach.json",
        fixtures_copy / "minimal" / "golden" / "ghost.json",
    )
    result = kit_pytester.runpytest(
        "--pyargs", "kaizen_conformance", REFERENCE, "-p", "no:cacheprovider"
    )
    result.stdout.fnmatch_lines(
        [
            "*minimal/golden/ghost.json: at $: no agent of case minimal expects an event with this golden",
            "  fix: remove it, or list agent 'ghost' as 'event' in case.yml",
        ]
    )


def test_a_malformed_case_is_a_fixture_error_naming_where(
    kit_pytester: pytest.Pytester, fixtures_copy: Path
) -> None:
    case = fixtures_copy / "bad-metrics" / "case.yml"
    case.write_text(
        case.read_text(encoding="utf-8").replace(
            "listy: {error: PRE-009, names: listy.json}", "listy: {error: PRE-009}"
        )
    )
    result = kit_pytester.runpytest(
        "--pyargs", "kaizen_conformance", REFERENCE, "-p", "no:cacheprovider"
    )
    result.stdout.fnmatch_lines(
        [
            f"{case}: at $.agents.listy: *'names'*",
            "  fix: *prepare-case.schema.json*",
        ]
    )


def test_never_read_must_name_a_file_the_case_creates(
    kit_pytester: pytest.Pytester, fixtures_copy: Path
) -> None:
    case = fixtures_copy / "escaping-symlinks" / "case.yml"
    case.write_text(
        case.read_text(encoding="utf-8").replace(
            "never_read: [outside/secret-memory.md]", "never_read: [outside/nothing.md]"
        )
    )
    result = kit_pytester.runpytest(
        "--pyargs", "kaizen_conformance", REFERENCE, "-p", "no:cacheprovider"
    )
    result.stdout.fnmatch_lines(
        [
            f"{case}: at $.agents.memo.never_read[0]: never_read names outside/nothing.md, which no files: entry creates"
        ]
    )


# --------------------------------------------------------------------------- the wheel


def test_the_wheel_ships_the_goldens_and_an_installed_kit_reads_them_read_only(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(SOURCE_FIXTURES.parent),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for path in SOURCE_FIXTURES.glob("prepare/**/*"):
            if path.is_file():
                assert (
                    f"kaizen_conformance/fixtures/{path.relative_to(SOURCE_FIXTURES).as_posix()}"
                    in names
                )
        # the compare page's frame, style and script are package data too
        for template in ("compare.html", "compare.css", "compare.js"):
            assert f"kaizen_conformance/reports/templates/{template}" in names
        archive.extractall(site, [n for n in names if n.startswith("kaizen_conformance/")])
    monkeypatch.setenv("PYTHONPATH", str(site))
    result = pytester.runpytest_subprocess(
        "--pyargs", "kaizen_conformance", "--kaizen-reference", "-k", "PRE-", "-q"
    )
    assert result.ret == 0, result.stdout.str()[-2000:]
    result.stdout.fnmatch_lines(["*snapshots passed.*"])
    result = pytester.runpytest_subprocess(
        "--pyargs", "kaizen_conformance", "--kaizen-reference", "--snapshot-update"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"*inside the installed package ({site}/kaizen_conformance/fixtures/prepare)*"]
    )


def test_a_project_with_kaizen_options_in_its_ini_still_updates_its_own_snapshots(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\nkaizen_prepare = kaizen_conformance.reference.prepare:prepare\n")
    pytester.makepyfile(test_own="def test_own(snapshot):\n    assert snapshot == {'mine': 1}\n")
    result = pytester.runpytest("--snapshot-update", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*1 snapshot generated.*"])
    assert list(pytester.path.glob("__snapshots__/*.ambr"))


# --------------------------------------------------------------------------- whatever path reached the suite


SORTS_MEMORY_WRONG = "--kaizen-prepare=mutants.prepare.sorts_memory_ignoring_case:prepare"
REFUSED_FROM_A_MUTANT = (
    "*kaizen-conformance: --snapshot-update regenerates the prepare goldens from the reference "
    "implementation only, not from --kaizen-prepare=mutants.prepare.sorts_memory_ignoring_case:prepare; "
    "run pytest --pyargs kaizen_conformance --kaizen-reference --snapshot-update -k PRE-002"
)


def golden_bytes(prepare_fixtures: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in prepare_fixtures.glob("*/golden/*.json")}


def suite_reexported(pytester: pytest.Pytester) -> str:
    """A project's own test module that re-exports the kit's prepare suite."""
    pytester.makepyfile(test_ours="from kaizen_conformance.suite.test_prepare import *  # noqa\n")
    return "test_ours.py"


def suite_symlinked(pytester: pytest.Pytester) -> str:
    """A symlink to the suite's file, whose path does not name the kit."""
    from kaizen_conformance.suite import test_prepare

    (pytester.path / "test_linked.py").symlink_to(test_prepare.__file__)
    return "test_linked.py"


@pytest.mark.parametrize("reach", [suite_reexported, suite_symlinked])
def test_snapshot_update_from_a_wrong_prepare_is_refused_whatever_path_reached_the_suite(
    kit_pytester: pytest.Pytester, fixtures_copy: Path, reach: Callable[[pytest.Pytester], str]
) -> None:
    before = golden_bytes(fixtures_copy)
    result = kit_pytester.runpytest(
        reach(kit_pytester), SORTS_MEMORY_WRONG, "--snapshot-update", "-p", "no:cacheprovider"
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED  # refused while collecting: nothing ran
    result.stdout.fnmatch_lines([REFUSED_FROM_A_MUTANT])
    result.stdout.no_fnmatch_line("*CONFORMS*")
    assert golden_bytes(fixtures_copy) == before


def test_an_installed_kit_refuses_snapshot_update_through_a_module_reexporting_the_suite(
    kit_pytester: pytest.Pytester, fixtures_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locations, "is_source_checkout", lambda: False)
    before = golden_bytes(fixtures_copy)
    result = kit_pytester.runpytest(
        suite_reexported(kit_pytester), REFERENCE, "--snapshot-update", "-p", "no:cacheprovider"
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*kaizen-conformance: --snapshot-update would rewrite the prepare goldens inside the installed package*"
        ]
    )
    assert golden_bytes(fixtures_copy) == before


def test_the_golden_extension_itself_refuses_to_write_and_reads_what_was_held(
    tmp_path: Path,
) -> None:
    golden = tmp_path / "coach.json"
    golden.write_text("on disk now\n", encoding="utf-8")
    extension = goldens.PreparedGoldens.holding(golden, "held\n", "no: run the regenerate command")
    assert (
        extension().read_snapshot_data_from_location(
            snapshot_location=str(golden), snapshot_name="x", session_id="s"
        )
        == "held\n"
    )
    collection = SnapshotCollection(location=str(golden))
    collection.add(Snapshot(name="coach", data="written\n"))
    with pytest.raises(goldens.GoldenWriteRefused, match="run the regenerate command"):
        extension.write_snapshot_collection(snapshot_collection=collection)
    with pytest.raises(goldens.GoldenWriteRefused):
        extension().delete_snapshots(snapshot_location=str(golden), snapshot_names={"coach"})
    assert golden.read_text(encoding="utf-8") == "on disk now\n"
