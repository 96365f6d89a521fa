"""The init role as a user meets it: scaffolds judged by the kit, existing manifests never lost."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from kitrun import command_option, run_kit

from kaizen_conformance.cases.corpus import manifest_corpus
from kaizen_conformance.cases.locations import fixtures_dir
from kaizen_conformance.roles import init as role

REFERENCE = "--kaizen-init=kaizen_conformance.reference.manifest_tools:init"


# --------------------------------------------------------------------------- the reference conforms


@pytest.mark.parametrize(
    "option",
    [REFERENCE, command_option("init", "kaizen_conformance.reference.manifest_tools init")],
    ids=["callable", "command"],
)
def test_the_reference_conforms_on_every_case(kit_pytester: pytest.Pytester, option: str) -> None:
    run = run_kit(kit_pytester, option)
    items = run.role_items("init")
    assert len(items) == len(role.collect(None))  # type: ignore[arg-type]
    assert {item.outcome for item in items} == {"passed"}, [
        (i.name, i.message[:300]) for i in items if i.outcome != "passed"
    ]
    run.result.stdout.fnmatch_lines(
        [
            "init (contract v1.2): *",
            "  MUST     3 rules: 3 passed, 0 failed",
            "  verdict: CONFORMS",
        ],
        consecutive=True,
    )


def test_an_unconfigured_init_role_is_skipped_and_never_passes(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-validate=kaizen_conformance.reference.manifest_tools:validate",
        "-k",
        "test_init",
    )
    assert run.role_items("init") and {item.outcome for item in run.role_items("init")} == {
        "skipped"
    }
    run.result.stdout.fnmatch_lines(
        [
            "init (contract v1.2): not configured",
            "*init role not configured (not a pass): give --kaizen-init or --kaizen-init-cmd, or --kaizen-reference*",
        ]
    )


# --------------------------------------------------------------------------- how cases are made


def test_every_corpus_entry_is_an_init_case_and_existing_manifests_are_ini_003() -> None:
    checks = {check.name: check.rules for check in role.collect(None)}  # type: ignore[arg-type]
    for entry in manifest_corpus():
        assert f"INI-002[{entry.id}]" in checks
    assert checks["INI-003[minimal]"] == ("INI-003",)
    assert "INI-003[version-true]" in checks  # an invalid manifest is kept too
    assert "INI-003[schedule-dangling-symlink]" in checks  # a dangling link exists as an entry
    assert "INI-003[kaizen-dir-symlink-outside]" in checks  # reached through a .kaizen link
    assert "INI-003[schedule-is-directory]" in checks
    assert "INI-003[schedule-yaml-extension]" not in checks  # no schedule.yml entry: INI-002 only
    assert "INI-001[empty-checkout]" in checks and "INI-003[empty-checkout]" not in checks


def test_existing_manifest_paths_protect_the_link_and_its_target(tmp_path: Path) -> None:
    checkout = tmp_path / "repos" / "subject"
    (tmp_path / "outside" / "kaizen").mkdir(parents=True)
    checkout.mkdir(parents=True)
    (checkout / ".kaizen").symlink_to(tmp_path / "outside" / "kaizen")
    assert role.existing_manifest_paths(tmp_path, checkout) == (
        "outside/kaizen/schedule.yml",
        "repos/subject/.kaizen",
        "repos/subject/.kaizen/schedule.yml",
    )


def fixture_tree(tmp_path: Path) -> Path:
    """A copy of the kit's manifests and init cases, to break on purpose."""
    root = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir() / "manifests", root / "manifests")
    shutil.copytree(fixtures_dir() / "init", root / "init")
    return root


@pytest.mark.parametrize(
    ("case_yml", "lines"),
    [
        (
            "description: d\nrules: [INI-001]\nfiles:\n- path: repos/subject/.kaizen/x\n  text: ''\n",
            [
                "*init/broken/case.yml: at $.rules: an INI-001 case must start without .kaizen in the checkout",
                "  fix: remove the .kaizen entries from files:, or use INI-002 / INI-003",
            ],
        ),
        (
            "description: d\nrules: [INI-003]\n",
            [
                "*init/broken/case.yml: at $.rules: an INI-003 case must start with .kaizen/schedule.yml in the checkout",
                "  fix: *",
            ],
        ),
        ("description: d\nrules: [INI-001, INI-003]\n", ["*init/broken/case.yml: at $.rules: *"]),
        (
            "description: d\nrules: [INI-001]\nexpect: refuse\n",
            ["*init/broken/case.yml: at $: *expect*"],
        ),
    ],
    ids=["ini-001-with-kaizen", "ini-003-without-manifest", "both-outcomes", "unknown-key"],
)
def test_a_malformed_init_case_is_a_clean_collection_error(
    kit_pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    case_yml: str,
    lines: list[str],
) -> None:
    root = fixture_tree(tmp_path)
    (root / "init" / "broken").mkdir()
    (root / "init" / "broken" / "case.yml").write_text(case_yml, encoding="utf-8")
    monkeypatch.setenv("KAIZEN_CONFORMANCE_FIXTURES", str(root))
    result = kit_pytester.runpytest(
        "--pyargs", "kaizen_conformance.suite.test_init", REFERENCE, "-p", "no:cacheprovider"
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*kaizen fixture error*", *lines])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_an_init_case_id_clashing_with_the_corpus_is_refused(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = fixture_tree(tmp_path)
    (root / "init" / "minimal").mkdir()
    (root / "init" / "minimal" / "case.yml").write_text(
        "description: d\nrules: [INI-001]\n", encoding="utf-8"
    )
    monkeypatch.setenv("KAIZEN_CONFORMANCE_FIXTURES", str(root))
    result = kit_pytester.runpytest(
        "--pyargs", "kaizen_conformance.suite.test_init", REFERENCE, "-p", "no:cacheprovider"
    )
    result.stdout.fnmatch_lines(
        [
            "*init/minimal/case.yml: at $: case id minimal is also used by the manifest corpus *corpus.yml",
            "  fix: rename the init case's directory*",
        ]
    )


# --------------------------------------------------------------------------- INI-001


def test_a_scaffold_sch_calls_invalid_is_quoted(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-init=mutants.init.scaffold_without_version:init",
        "-k",
        "INI-001 and empty-checkout",
    )
    assert run.role_outcomes("init") == {"INI-001[empty-checkout]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "case empty-checkout: wrote a .kaizen/schedule.yml that SCH calls invalid: top level: 'version' is a required property",
            "it starts 'agents:\\n  - name: coach\\n    cadence: weekly\\n'",
        ]
    )


def test_a_scaffold_valid_only_under_yaml_1_1_fails(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-init=mutants.init.scaffold_yes_boolean:init",
        "-k",
        "INI-001 and empty-checkout",
    )
    assert run.role_outcomes("init") == {"INI-001[empty-checkout]": "failed"}
    run.result.stdout.fnmatch_lines(
        ["*the plain scalar 'yes' reads differently under YAML 1.1 and 1.2*"]
    )


def test_success_without_a_manifest_fails(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        command_option("init", "mutants.init.cmd_reports_success_without_writing"),
        "-k",
        "INI-001 and empty-checkout",
    )
    assert run.role_outcomes("init") == {"INI-001[empty-checkout]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "case empty-checkout: reported success, but the checkout has no manifest that counts: no .kaizen/schedule.yml"
        ]
    )


def test_a_crash_on_an_empty_checkout_is_reported_with_its_traceback_tail(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(crashing="def init(repo):\n    return repo['.kaizen']\n")
    run = run_kit(kit_pytester, "--kaizen-init=crashing:init", "-k", "INI-001 and empty-checkout")
    assert run.role_outcomes("init") == {"INI-001[empty-checkout]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "case empty-checkout: refused (raised / exited non-zero) on a checkout without .kaizen/, where it must write the scaffold",
            "raised TypeError: *string indices must be integers*",
            "*TypeError: string indices must be integers*",
        ]
    )


def test_a_hanging_init_fails_within_the_limit_and_the_run_goes_on(
    kit_pytester: pytest.Pytester,
) -> None:
    started = time.perf_counter()
    run = run_kit(
        kit_pytester,
        command_option("init", "mutants.init.cmd_hangs"),
        "--kaizen-timeout=1",
        "-k",
        "empty-checkout or minimal",
    )
    assert time.perf_counter() - started < 20
    seen = run.role_outcomes("init")
    assert seen["INI-001[empty-checkout]"] == "failed"
    assert seen["INI-003[minimal]"] == "failed"
    assert seen["INI-002[minimal]"] == "passed"
    run.result.stdout.fnmatch_lines(
        [
            "case empty-checkout: timed out on a checkout without .kaizen/, where it must write the scaffold",
            "still running after 1 s, the per-call limit (--kaizen-timeout): killed with every process it started*",
        ]
    )
    run.result.stdout.fnmatch_lines(
        ["*gave no answer, and a hang or a crash is not a refusal: still running after 1 s*"]
    )


def test_paths_with_spaces_reach_the_command_as_one_argument(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        command_option("init", "kaizen_conformance.reference.manifest_tools init"),
        "-k",
        "spaces",
    )
    assert run.role_outcomes("init") == {
        "INI-001[checkout-path-with-spaces]": "passed",
        "INI-002[checkout-path-with-spaces]": "passed",
    }


# --------------------------------------------------------------------------- INI-002


def test_a_file_beside_kaizen_fails_ini_002(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-init=mutants.init.writes_readme_beside:init",
        "-k",
        "INI-002 and empty-checkout",
    )
    assert run.role_outcomes("init") == {"INI-002[empty-checkout]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "case empty-checkout: changed files outside repos/subject/.kaizen/:",
            "  added    repos/subject/KAIZEN.md",
        ]
    )


def test_writing_through_a_kaizen_link_changes_files_outside(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-init=mutants.init.writes_through_kaizen_link:init",
        "-k",
        "INI-002 and kaizen-dir-symlink-outside-empty",
    )
    assert run.role_outcomes("init") == {"INI-002[kaizen-dir-symlink-outside-empty]": "failed"}
    run.result.stdout.fnmatch_lines(["  added    outside/kaizen/schedule.yml"])


# --------------------------------------------------------------------------- INI-003


def test_an_overwritten_manifest_is_reported(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-init=mutants.init.overwrites_existing:init",
        "-k",
        "INI-003 and version-true",
    )
    assert run.role_outcomes("init") == {"INI-003[version-true]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "*did not refuse: it returned None after * s, where .kaizen/schedule.yml already exists*",
            "the existing manifest did not survive:",
            "  changed  repos/subject/.kaizen/schedule.yml (content)",
        ]
    )


def test_writing_through_a_dangling_link_is_caught_at_its_target(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-init=mutants.init.follows_dangling_symlink:init",
        "-k",
        "dangling-symlink-outside",
    )
    assert run.role_outcomes("init") == {
        "INI-003[dangling-symlink-outside]": "failed",
        "INI-002[dangling-symlink-outside]": "failed",
    }
    run.result.stdout.fnmatch_lines(
        ["the existing manifest did not survive:", "  added    outside/not-yet-written.yml"]
    )


def test_returning_without_refusing_fails_even_when_nothing_changed(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-init=mutants.init.returns_without_refusing:init",
        "-k",
        "INI-003 and minimal",
    )
    assert run.role_outcomes("init") == {"INI-003[minimal]": "failed"}
    run.result.stdout.fnmatch_lines(["*did not refuse: it returned None*"])
    run.result.stdout.no_fnmatch_line("*did not survive*")


def test_validate_and_init_run_under_xdist_with_the_same_outcomes(
    kit_pytester: pytest.Pytester,
) -> None:
    options = [REFERENCE, "--kaizen-validate=kaizen_conformance.reference.manifest_tools:validate"]
    serial = run_kit(kit_pytester, *options)
    parallel = run_kit(kit_pytester, *options, "-n", "2", subprocess=True)
    mine = {"validate", "init"}
    expected = {i.name: i.outcome for i in serial.items if i.properties.get("kaizen_role") in mine}
    assert expected and set(expected.values()) == {"passed"}
    assert {
        i.name: i.outcome for i in parallel.items if i.properties.get("kaizen_role") in mine
    } == expected
    parallel.result.stdout.fnmatch_lines(
        [
            "validate (contract v1.2): *",
            "  verdict: CONFORMS",
            "init (contract v1.2): *",
            "  verdict: CONFORMS",
        ]
    )
