"""A contributed case cannot reach outside its workspace: not by a link, a copy, or its size.

A maintainer reviewing a case runs ``kaizen-conformance check-fixtures DIR``; a team runs its
own cases with ``--kaizen-extra-cases=DIR``. Both materialise what the case declares, so each
hostile case below is run both ways, beside a sentinel directory outside the case that must
come out byte-identical, and each is one fixture error naming the case file, the entry and
the fix, never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kaizen_conformance import cli
from kaizen_conformance.cases import locations
from kaizen_conformance.cases.loading import FixtureError
from kaizen_conformance.cases.resolver import load_resolver_case
from kaizen_conformance.cases.workspace import materialise_files, new_workspace

CASE = """\
description: A contributed case that tries to act outside its workspace.
rules: [RES-001]
hub:
  records: []
expect:
  included: []
files: {files}
"""
CASE_ID = "hostile"


def sentinel_dir(root: Path) -> Path:
    """A directory outside every case, with a file and a subdirectory a hostile case aims at."""
    sentinel = root / "sentinel"
    (sentinel / "d").mkdir(parents=True)
    (sentinel / "keep.txt").write_text("untouched\n", encoding="utf-8")
    (sentinel / "d" / "inner.txt").write_text("inner\n", encoding="utf-8")
    return sentinel


def snapshot(directory: Path) -> dict[str, str]:
    """Every path under ``directory``: file contents, link targets, directories."""
    seen: dict[str, str] = {}
    for path in sorted(directory.rglob("*")):
        key = path.relative_to(directory).as_posix()
        if path.is_symlink():
            seen[key] = "link:" + os.readlink(path)
        elif path.is_dir():
            seen[key] = "dir"
        else:
            seen[key] = path.read_text(encoding="utf-8")
    return seen


def extra_cases(root: Path, files: list[dict[str, object]]) -> Path:
    """DIR/resolver/hostile/case.yml declaring ``files``."""
    case_dir = root / "extra" / "resolver" / CASE_ID
    (case_dir / "repos").mkdir(parents=True)
    (case_dir / "case.yml").write_text(CASE.format(files=json.dumps(files)), encoding="utf-8")
    return root / "extra"


def check_fixtures(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaizen_conformance.cli", "check-fixtures", str(directory)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_extra(pytester: pytest.Pytester, tree: Path) -> pytest.RunResult:
    return pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-reference",
        f"--kaizen-extra-cases={tree}",
        "--kaizen-allow-incomplete",
        "-k",
        f"[{CASE_ID}]",
        "-p",
        "no:cacheprovider",
    )


def assert_refused_both_ways(
    pytester: pytest.Pytester, tree: Path, sentinel: Path, *expected: str
) -> None:
    """check-fixtures DIR and a run with --kaizen-extra-cases=DIR both refuse, naming the case
    file, the entry and a fix; the sentinel is exactly as it was."""
    before = snapshot(sentinel)
    case_file = tree / "resolver" / CASE_ID / "case.yml"
    done = check_fixtures(tree)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert f"{case_file}: at $" in done.stdout
    assert "  fix: " in done.stdout
    for text in expected:
        assert text in done.stdout, done.stdout
    assert snapshot(sentinel) == before

    result = run_extra(pytester, tree)
    output = result.stdout.str()
    assert result.ret != 0
    assert "Traceback" not in output
    assert "kaizen fixture error" in output
    assert f"{case_file}: at $" in output
    for text in expected:
        assert text in output, output
    assert snapshot(sentinel) == before


THROUGH = "materialising writes, copies and removes nothing through a symbolic link"


def link_then(sentinel: Path, entry: dict[str, object]) -> list[dict[str, object]]:
    return [{"path": "cache", "symlink": str(sentinel)}, entry]


HOSTILE: dict[str, Callable[[Path], list[dict[str, object]]]] = {
    "symlink-then-write": lambda s: link_then(s, {"path": "cache/x.pth", "text": "import os"}),
    "symlink-then-overwrite": lambda s: link_then(s, {"path": "cache/keep.txt", "text": "owned"}),
    "symlink-then-remove": lambda s: link_then(s, {"path": "cache/d", "remove": True}),
    "symlink-then-copy-into": lambda s: link_then(
        s, {"path": "cache/keep.txt", "copy": "manifests/valid/minimal.yml"}
    ),
    "symlink-then-generate": lambda s: link_then(
        s, {"path": "cache/big", "generate": {"size": 10}}
    ),
    "write-declared-before-symlink": lambda s: [
        {"path": "{outside}/cache/x", "text": "owned"},
        {"path": "{outside}/cache", "symlink": str(s)},
    ],
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_nothing_is_made_through_a_link_the_case_declares(
    pytester: pytest.Pytester, name: str
) -> None:
    sentinel = sentinel_dir(pytester.path)
    tree = extra_cases(pytester.path, HOSTILE[name](sentinel))
    assert_refused_both_ways(
        pytester, tree, sentinel, "which $.files[", "declares a symbolic link: " + THROUGH
    )


def test_nothing_is_made_through_a_link_the_case_commits_with_dotdot(
    pytester: pytest.Pytester,
) -> None:
    """A ``..`` via a link: a relative link in the case's repos/ that climbs out to the sentinel."""
    sentinel = sentinel_dir(pytester.path)
    tree = extra_cases(
        pytester.path,
        [
            {"path": "repos/alpha/x", "text": "owned"},
            {"path": "repos/alpha/d", "remove": True},
        ],
    )
    repos = tree / "resolver" / CASE_ID / "repos"
    climb = os.path.relpath(sentinel, repos)  # ../../../sentinel
    assert climb.startswith("..")
    (repos / "alpha").symlink_to(climb)
    assert_refused_both_ways(
        pytester, tree, sentinel, "repos/alpha is a symbolic link in the workspace: " + THROUGH
    )


def test_a_write_onto_a_committed_link_is_refused_not_followed(pytester: pytest.Pytester) -> None:
    sentinel = sentinel_dir(pytester.path)
    tree = extra_cases(pytester.path, [{"path": "repos/alpha/schedule.yml", "text": "owned"}])
    alpha = tree / "resolver" / CASE_ID / "repos" / "alpha"
    alpha.mkdir()
    (alpha / "schedule.yml").symlink_to(sentinel / "keep.txt")
    assert_refused_both_ways(
        pytester, tree, sentinel, "repos/alpha/schedule.yml: is a symbolic link already"
    )


@pytest.mark.parametrize("origin", ["/etc/passwd", "sentinel-file", "../../../sentinel/keep.txt"])
def test_a_copy_reads_only_the_fixtures_or_the_cases_own_directory(
    pytester: pytest.Pytester, origin: str
) -> None:
    sentinel = sentinel_dir(pytester.path)
    source = str(sentinel / "keep.txt") if origin == "sentinel-file" else origin
    tree = extra_cases(pytester.path, [{"path": "outside/stolen", "copy": source}])
    assert_refused_both_ways(
        pytester,
        tree,
        sentinel,
        f"copy source {source} is ",
        "outside the fixtures directory and the case's own directory",
    )


def test_a_copy_through_a_link_in_the_case_directory_is_refused(
    pytester: pytest.Pytester,
) -> None:
    sentinel = sentinel_dir(pytester.path)
    tree = extra_cases(pytester.path, [{"path": "outside/stolen", "copy": "PLACEHOLDER"}])
    case_dir = tree / "resolver" / CASE_ID
    (case_dir / "leak").symlink_to(sentinel / "keep.txt")
    relative = os.path.relpath(case_dir / "leak", locations.fixtures_dir())
    text = (case_dir / "case.yml").read_text(encoding="utf-8").replace("PLACEHOLDER", relative)
    (case_dir / "case.yml").write_text(text, encoding="utf-8")
    assert_refused_both_ways(pytester, tree, sentinel, f"copy source {relative} is ")


def test_a_copy_from_the_cases_own_directory_is_made(tmp_path: Path) -> None:
    case_dir = tmp_path / "extra" / "resolver" / CASE_ID
    tree = extra_cases(tmp_path, [{"path": "outside/mine", "copy": "PLACEHOLDER"}])
    (case_dir / "data.txt").write_text("mine\n", encoding="utf-8")
    relative = os.path.relpath(case_dir / "data.txt", locations.fixtures_dir())
    text = (case_dir / "case.yml").read_text(encoding="utf-8").replace("PLACEHOLDER", relative)
    (case_dir / "case.yml").write_text(text, encoding="utf-8")
    case = load_resolver_case(case_dir)
    workspace, _ = case.materialise(tmp_path / "ws")
    assert (workspace.outside / "mine").read_text(encoding="utf-8") == "mine\n"
    done = check_fixtures(tree)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_case_declaring_more_than_the_budget_writes_nothing(pytester: pytest.Pytester) -> None:
    """Ten files of 60 MiB, each within the per-file cap: 600 MiB in all is refused before a byte."""
    sentinel = sentinel_dir(pytester.path)
    size = 60 * 1024 * 1024
    files: list[dict[str, object]] = [
        {"path": f"outside/big-{n}", "generate": {"size": size}} for n in range(10)
    ]
    tree = extra_cases(pytester.path, files)
    with pytest.raises(FixtureError, match=r"declares 600\.0 MiB of files in all"):
        load_resolver_case(tree / "resolver" / CASE_ID)
    assert_refused_both_ways(
        pytester,
        tree,
        sentinel,
        "the case declares 600.0 MiB of files in all, over the budget of 512.0 MiB",
    )
    written = [p for p in pytester.path.rglob("big-*") if p.is_file()]
    assert written == []
    assert 10 * size > 512 * 1024 * 1024  # the budget docs/CASES.md states


def test_a_generated_group_counts_once_per_record(tmp_path: Path) -> None:
    """Each file is within its cap and the group small to write down: its count multiplies it."""
    case_dir = tmp_path / "resolver" / CASE_ID
    case_dir.mkdir(parents=True)
    (case_dir / "case.yml").write_text(
        """\
description: A group whose files add up to terabytes.
rules: [RES-001]
hub:
  records: []
  generate:
  - group: fleet
    count: 100000
    record: {slug: 'fleet/r-{i}'}
    files:
    - path: 'repos/r-{i}/blob'
      generate: {size: 67108864}
expect:
  included: []
""",
        encoding="utf-8",
    )
    with pytest.raises(FixtureError, match=r"declares 6,400,000\.0 MiB of files in all"):
        load_resolver_case(case_dir)


def test_new_case_refuses_the_installed_kits_fixtures(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--into a directory below the installed kit's fixtures (or its package) writes nothing."""
    monkeypatch.setattr(locations, "is_source_checkout", lambda: False)
    resolver_cases = locations.fixtures_dir() / "resolver"
    before = sorted(p.name for p in resolver_cases.iterdir())
    code = cli.main(["new-case", "resolver", "mine", "--into", str(resolver_cases)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--into {resolver_cases} is inside the installed kit's fixtures" in err
    assert "give --into DIR outside the kit (such as --into kaizen-cases)" in err
    assert sorted(p.name for p in resolver_cases.iterdir()) == before

    inside_package = locations.PACKAGE_DIR / "fixtures" / "resolver"
    code = cli.main(["new-case", "resolver", "mine", "--into", str(inside_package)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--into {inside_package} is inside the kit's package {locations.PACKAGE_DIR}" in err
    assert not (inside_package / "resolver" / "mine").exists()


@pytest.mark.parametrize(
    "entry",
    [
        {"path": "repos/alpha/x", "text": "owned"},
        {"path": "{repos}/alpha/d", "remove": True},
        {"path": "repos/alpha/new", "mkdir": True},
        {"path": "repos/alpha/keep.txt", "copy": "manifests/valid/minimal.yml"},
        {"path": "repos/keep", "text": "owned"},
        {"path": "repos/keep", "mkdir": True},
    ],
    ids=["write", "remove", "mkdir", "copy", "write-onto-link", "mkdir-onto-link"],
)
def test_the_writer_itself_never_follows_a_link_in_the_workspace(
    tmp_path: Path, entry: dict[str, object]
) -> None:
    """Below the load-time checks, the one writer every role uses refuses links on its own."""
    sentinel = sentinel_dir(tmp_path)
    before = snapshot(sentinel)
    workspace = new_workspace(tmp_path / "ws", None)
    (workspace.repos / "alpha").symlink_to(sentinel)
    (workspace.repos / "keep").symlink_to(sentinel / "keep.txt")
    source = tmp_path / "case.yml"
    with pytest.raises(FixtureError, match="symbolic link") as refused:
        materialise_files([entry], workspace, source, "$.files")
    assert str(refused.value).startswith(f"{source}: at $.files[0]: ")
    assert snapshot(sentinel) == before


def test_a_refusal_while_the_workspace_is_made_is_a_fixture_error_in_the_run(
    pytester: pytest.Pytester,
) -> None:
    """With the load-time check of committed links switched off, the writer still refuses, and
    the run reports that as a fixture error naming the file and the fix, not a traceback."""
    sentinel = sentinel_dir(pytester.path)
    before = snapshot(sentinel)
    tree = extra_cases(pytester.path, [{"path": "repos/alpha/x.pth", "text": "import os"}])
    (tree / "resolver" / CASE_ID / "repos" / "alpha").symlink_to(sentinel)
    pytester.makeconftest(
        "from kaizen_conformance.cases import workspace\n"
        "workspace.refuse_committed_links = lambda *args: None\n"
    )
    result = run_extra(pytester, tree)
    output = result.stdout.str()
    assert result.ret == 1
    assert "Traceback" not in output and "request = <FixtureRequest" not in output
    result.stdout.fnmatch_lines(
        [
            "kaizen fixture error",
            f"{tree}/resolver/{CASE_ID}/case.yml: at $.files[[]0[]]: repos/alpha/x.pth: "
            f"repos/alpha is a symbolic link in the workspace: {THROUGH}",
            "  fix: make that path a real directory *",
        ]
    )
    assert snapshot(sentinel) == before
