"""A new user's path: scaffold a case where they choose, run it on top of the kit's, lint it.

Every step is taken as a user takes it: `kaizen-conformance new-case` (also as an installed kit,
whose fixtures are read-only), the command it prints run as printed, `--kaizen-extra-cases` and
its ini twin, `check-fixtures DIR`. Every way a fixture directory can be wrong is one error
that names the file and the fix, never a traceback.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kitrun import run_kit

from kaizen_conformance import cli
from kaizen_conformance.cases import locations
from kaizen_conformance.cases.loading import FIXTURES_ENV
from kaizen_conformance.cases.locations import fixtures_dir

# The new case's items only, and nothing that starts a hub: these tests are about the cases.
QUIET = ("-p", "no:cacheprovider")


def new_case(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = cli.main(["new-case", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def printed_command(lines: list[str]) -> list[str]:
    """The pytest arguments of the 'run it' line new-case printed, exactly as a shell splits them."""
    line = next(line for line in lines if line.startswith("edit it, then run it"))
    argv = shlex.split(line.split(": ", 1)[1])
    assert argv[0] == "pytest"
    return argv[1:]


def test_new_case_into_a_directory_runs_with_the_command_it_prints(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = pytester.path / "my-cases"
    code, lines, err = new_case(capsys, "resolver", "my-case", "--into", str(cases))
    assert code == 0, err
    assert lines[0] == f"created {cases / 'resolver' / 'my-case' / 'case.yml'}"
    assert (
        cases / "resolver" / "my-case" / "repos" / "alpha" / ".kaizen" / "schedule.yml"
    ).is_file()
    argv = printed_command(lines)
    assert f"--kaizen-extra-cases={cases}" in argv
    report = pytester.path / "report.json"
    # run_kit gives --pyargs kaizen_conformance itself
    run = run_kit(pytester, *argv[2:], f"--kaizen-report={report}")
    assert sorted(item.name for item in run.items) == ["RES-001[my-case]", "RES-015[my-case]"]
    assert {item.outcome for item in run.items} == {"passed"}
    assert run.result.ret == 0  # one case is INCOMPLETE: the printed command accepts that
    run.result.stdout.fnmatch_lines(
        [f"kaizen extra cases: {cases} (1 resolver; --kaizen-extra-cases)"]
    )
    fixtures = json.loads(report.read_text(encoding="utf-8"))["fixtures"]
    assert fixtures["extra"]["cases"] == {"resolver": ["my-case"]}
    assert fixtures["extra"]["digest"].startswith("sha256:")
    assert fixtures["digest"] != fixtures["extra"]["digest"]
    assert lines[-1] == f"lint it: kaizen-conformance check-fixtures {cases}"
    done = check_fixtures(str(cases))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "check-fixtures: OK (1 extra resolver cases)"


def test_an_installed_kit_scaffolds_into_kaizen_cases_never_into_its_own_fixtures(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locations, "is_source_checkout", lambda: False)
    monkeypatch.chdir(pytester.path)
    code, lines, err = new_case(capsys, "resolver", "mine")
    assert code == 0, err
    assert (
        lines[0] == f"created {pytester.path / 'kaizen-cases' / 'resolver' / 'mine' / 'case.yml'}"
    )
    code, _, err = new_case(capsys, "resolver", "mine", "--into", str(fixtures_dir()))
    assert code == 2
    assert "is inside the installed kit's fixtures" in err


def test_new_case_refuses_what_it_cannot_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = new_case(capsys, "resolver", "My_Case", "--into", str(tmp_path))
    assert (code, err.strip()) == (
        2,
        "kaizen-conformance: case name 'My_Case': use lower-case letters, digits and dashes",
    )
    assert new_case(capsys, "resolver", "twice", "--into", str(tmp_path))[0] == 0
    code, _, err = new_case(capsys, "resolver", "twice", "--into", str(tmp_path))
    assert code == 2 and "already exists; choose another name" in err


def extra_tree(root: Path, cases: dict[str, str | None]) -> Path:
    """DIR/resolver/<id>/case.yml for each case (None: the directory without case.yml)."""
    tree = root / "extra"
    for case_id, text in cases.items():
        (tree / "resolver" / case_id).mkdir(parents=True)
        if text is not None:
            (tree / "resolver" / case_id / "case.yml").write_text(text, encoding="utf-8")
    return tree


def case_text(name: str) -> str:
    template = locations.PACKAGE_DIR / "contract" / "templates" / "resolver.case.yml"
    return template.read_text(encoding="utf-8").replace("{name}", name)


def test_an_id_that_collides_with_a_shipped_case_names_both(pytester: pytest.Pytester) -> None:
    tree = extra_tree(pytester.path, {"flag-true-file-valid": case_text("flag-true-file-valid")})
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-reference",
        f"--kaizen-extra-cases={tree}",
        *QUIET,
    )
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting*test_resolver.py*",
            "kaizen fixture error",
            f"{tree}/resolver/flag-true-file-valid/case.yml: at $: case id flag-true-file-valid is also "
            f"used by {fixtures_dir()}/resolver/flag-true-file-valid/case.yml",
            "  fix: rename the extra case's directory: its id must differ from every shipped case "
            "and corpus entry",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    done = check_fixtures(str(tree))
    assert done.returncode == 1
    assert "case id flag-true-file-valid is also used by" in done.stdout


# Each way an extra-cases directory is wrong: (layout, option value relative to pytester.path, lines)
BROKEN_EXTRA: dict[str, tuple[dict[str, str | None], str, list[str]]] = {
    "nonexistent": (
        {},
        "nowhere",
        [
            "ERROR: kaizen fixture error",
            "*/nowhere: at $: --kaizen-extra-cases=nowhere: no such directory",
            "  fix: create it with `kaizen-conformance new-case resolver NAME --into */nowhere`, or correct the path",
        ],
    ),
    "a-case-directory": (
        {"one": case_text("one")},
        "extra/resolver/one",
        [
            "ERROR: kaizen fixture error",
            "*/extra/resolver/one: at $: --kaizen-extra-cases=extra/resolver/one: this is one case's "
            "directory, not a directory of cases",
            "  fix: give the directory two levels up, laid out as DIR/resolver/NAME/case.yml *",
        ],
    ),
    "the-role-directory": (
        {"one": case_text("one")},
        "extra/resolver",
        [
            "*/extra/resolver: at $: --kaizen-extra-cases=extra/resolver: this is the resolver "
            "directory itself",
            "  fix: give its parent directory */extra, laid out as DIR/resolver/NAME/case.yml *",
        ],
    ),
    "no-cases": (
        {},
        "empty",
        [
            "*/empty: at $: --kaizen-extra-cases=empty: holds no cases",
            "  fix: add one with `kaizen-conformance new-case resolver NAME --into */empty`, *",
        ],
    ),
    "without-case-yml": (
        {"no-case-file": None},
        "extra",
        [
            "*ERROR collecting*test_resolver.py*",
            "kaizen fixture error",
            "*/extra/resolver/no-case-file: at $: a case directory without case.yml",
            "  fix: add case.yml (kaizen-conformance new-case resolver NAME; see docs/CASES.md) or "
            "remove the directory",
        ],
    ),
    "unreadable-yaml": (
        {"bad-yaml": "description: [unclosed\n"},
        "extra",
        [
            "*ERROR collecting*test_resolver.py*",
            "kaizen fixture error",
            "*/extra/resolver/bad-yaml/case.yml: at $: is not valid YAML: *",
            "  fix: correct the YAML syntax",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN_EXTRA))
def test_a_wrong_extra_cases_directory_is_one_error_with_its_fix(
    pytester: pytest.Pytester, name: str
) -> None:
    layout, given, expected = BROKEN_EXTRA[name]
    extra_tree(pytester.path, layout)
    (pytester.path / "empty").mkdir()
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-reference",
        f"--kaizen-extra-cases={given}",
        *QUIET,
    )
    # a layout error stops the session before collection (stderr); a case's, its role's collection
    stream = result.stdout if "collecting" in expected[0] else result.stderr
    stream.fnmatch_lines(expected)
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert result.ret in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.USAGE_ERROR)


def test_a_role_directory_that_cannot_take_extra_cases_is_named(pytester: pytest.Pytester) -> None:
    tree = extra_tree(pytester.path, {"one": case_text("one")})
    (tree / "resolvers").mkdir()
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-reference",
        f"--kaizen-extra-cases={tree}",
        *QUIET,
    )
    result.stderr.fnmatch_lines(
        [
            f"{tree}/resolvers: at $: --kaizen-extra-cases={tree}: resolvers/ is not a role whose "
            "cases can be added",
            "  fix: did you mean resolver/? extra cases go under resolver/ *; move or remove it",
        ]
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_the_ini_twin_reads_a_relative_directory_from_the_ini_files_directory(
    pytester: pytest.Pytester,
) -> None:
    project = pytester.path / "project"
    extra_tree(project, {"from-ini": case_text("from-ini")})
    (project / "pytest.ini").write_text("[pytest]\nkaizen_extra_cases = extra\n")
    (pytester.path / "elsewhere").mkdir()
    pytester.chdir()  # started from pytester.path, not the ini file's directory
    run = run_kit(
        pytester, "-c", str(project / "pytest.ini"), "--kaizen-reference", "-k", "[from-ini]"
    )
    assert sorted(item.name for item in run.items) == ["RES-001[from-ini]", "RES-015[from-ini]"]
    run.result.stdout.fnmatch_lines(
        ["kaizen extra cases: */project/extra (1 resolver; ini kaizen_extra_cases)"]
    )


# --------------------------------------------------------------------------- $KAIZEN_CONFORMANCE_FIXTURES


def test_a_fixtures_variable_naming_no_directory_is_one_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FIXTURES_ENV, str(pytester.path / "nowhere"))
    result = pytester.runpytest("--pyargs", "kaizen_conformance", "--kaizen-reference", *QUIET)
    result.stderr.fnmatch_lines(
        [
            "ERROR: kaizen fixture error",
            f"{pytester.path}/nowhere: at $: {FIXTURES_ENV} names a directory that does not exist",
            f"  fix: point it at a tree laid out like the kit's fixtures/ *, or unset {FIXTURES_ENV} *",
        ]
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_a_fixtures_tree_without_its_corpus_says_to_use_extra_cases(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = extra_tree(pytester.path, {"one": case_text("one")})
    monkeypatch.setenv(FIXTURES_ENV, str(tree))
    result = pytester.runpytest("--pyargs", "kaizen_conformance", "--kaizen-reference", *QUIET)
    result.stderr.fnmatch_lines(
        [
            f"{tree}/manifests/corpus.yml: at $: is missing: {FIXTURES_ENV} replaces the kit's whole "
            "fixtures tree, manifest corpus included",
            "  fix: copy the kit's fixtures/manifests/ there; to add cases to the kit's own, use "
            "--kaizen-extra-cases=DIR instead *",
        ]
    )
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


@pytest.mark.parametrize(
    ("role", "option"),
    [
        ("hub", "--kaizen-hub-app=kaizen_conformance.reference.hub:app"),
        ("init", "--kaizen-init=kaizen_conformance.reference.manifest_tools:init"),
        ("prepare", "--kaizen-prepare=kaizen_conformance.reference.prepare:prepare"),
    ],
)
def test_a_fixtures_tree_missing_a_configured_roles_directory_names_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, role: str, option: str
) -> None:
    tree = pytester.path / "fixtures"
    shutil.copytree(fixtures_dir() / "manifests", tree / "manifests")
    monkeypatch.setenv(FIXTURES_ENV, str(tree))
    result = pytester.runpytest("--pyargs", "kaizen_conformance", option, *QUIET)
    result.stdout.fnmatch_lines(
        [
            f"*ERROR collecting*test_{role}.py*",
            "kaizen fixture error",
            f"{tree}/{role}: at $: the {role} cases directory does not exist",
            f"  fix: create it (*), or unset {FIXTURES_ENV} to use the kit's own fixtures",
        ]
    )
    assert "Traceback" not in result.stdout.str()


# --------------------------------------------------------------------------- the commands


def check_fixtures(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaizen_conformance.cli", "check-fixtures", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_run_names_itself_in_pytests_usage_errors(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kaizen_conformance.cli", "run", "--reference", "--no-such-flag"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert "kaizen-conformance run: error: unrecognized arguments: --no-such-flag" in done.stderr
    assert "pytest.main()" not in done.stderr
