"""The implementation under test cannot change the kit's verdict by changing the kit's own files.

The goldens are judged as read at collection, and the kit's files are checked from the start of
the run to its end (against the wheel's RECORD when installed from one). Every test works on a
copy: the fixtures through ``$KAIZEN_CONFORMANCE_FIXTURES``, or a whole fake install.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from kitrun import run_kit

from kaizen_conformance.cases import integrity, locations

# Sorts memory ignoring case (a bug only PRE-002 catches), then writes its own event over the
# golden it is judged against, in the fixture tree the kit reads.
TAMPERING_PREPARE = """
import os
from pathlib import Path

from kaizen_conformance.cases import goldens
from mutants.prepare.sorts_memory_ignoring_case import prepare as wrong


def prepare(repo, agent):
    event = wrong(repo, agent)
    text = goldens.serialise(goldens.normalise(event, repo))
    fixtures = Path(os.environ["KAIZEN_CONFORMANCE_FIXTURES"])
    for golden in fixtures.glob(f"prepare/*/golden/{agent}.json"):
        if golden.parent.parent.name in repo:
            golden.write_text(text, encoding="utf-8")
    return event
"""


def test_a_prepare_that_rewrites_its_golden_still_fails_and_the_run_says_the_kit_changed(
    kit_pytester: pytest.Pytester, fixtures_copy: Path
) -> None:
    kit_pytester.makepyfile(tampering=TAMPERING_PREPARE)
    kit_pytester.syspathinsert()
    golden = fixtures_copy / "memory-and-metrics" / "golden" / "coach.json"
    original = golden.read_bytes()
    run = run_kit(
        kit_pytester,
        "--kaizen-prepare=tampering:prepare",
        "-k",
        "PRE-002 and memory-and-metrics",
        "--kaizen-allow-incomplete",
        "--kaizen-report=report.json",
    )
    assert golden.read_bytes() != original, "the implementation did rewrite the golden"
    outcomes = run.role_outcomes("prepare")
    assert outcomes["PRE-002[memory-and-metrics/coach]"] == "failed"
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    changed = str(golden.resolve())
    run.result.stdout.fnmatch_lines(
        [
            "kaizen: the kit's own files changed during this run, so no verdict above stands *",
            f"  {changed}",
            "kaizen exit status 1: the kit's own files changed during the run (1 file, listed above): "
            "no verdict of this run stands (a kit error, not a verdict on the implementation)",
        ]
    )
    report = json.loads((kit_pytester.path / "report.json").read_text(encoding="utf-8"))
    assert report["integrity"] == {"checked": True, "changed": [changed]}


def test_a_run_that_changes_nothing_reports_the_kit_checked_and_unchanged(
    kit_pytester: pytest.Pytester, fixtures_copy: Path
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-prepare=kaizen_conformance.reference.prepare:prepare",
        "-k",
        "PRE-002 and minimal",
        "--kaizen-allow-incomplete",
        "--kaizen-report=report.json",
    )
    assert run.result.ret == pytest.ExitCode.OK
    report = json.loads((kit_pytester.path / "report.json").read_text(encoding="utf-8"))
    assert report["integrity"] == {"checked": True, "changed": []}


# --------------------------------------------------------------------------- an installed kit


def record_hash(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def fake_install(site: Path) -> Path:
    """The package with its fixtures inside, and a dist-info whose RECORD lists every file, as a
    wheel installs it; returns the installed package directory."""
    package = site / "kaizen_conformance"
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(locations.PACKAGE_DIR, package, ignore=skip)
    shutil.copytree(locations.fixtures_dir(), package / "fixtures", ignore=skip)
    dist_info = site / "kaizen_conformance-0.0.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: kaizen-conformance\nVersion: 0.0.0\n", encoding="utf-8"
    )
    rows = [
        f"{path.relative_to(site).as_posix()},{record_hash(path)},{path.stat().st_size}"
        for path in sorted(package.rglob("*"))
        if path.is_file()
    ]
    rows += [
        f"{dist_info.name}/METADATA,{record_hash(dist_info / 'METADATA')},",
        f"{dist_info.name}/RECORD,,",
    ]
    (dist_info / "RECORD").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return package


def test_an_install_that_differs_from_its_record_is_refused_before_anything_runs(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    package = fake_install(site)
    monkeypatch.setenv("PYTHONPATH", str(site))
    monkeypatch.delenv("KAIZEN_CONFORMANCE_FIXTURES", raising=False)
    args = ("--pyargs", "kaizen_conformance", "--kaizen-reference", "-k", "PRE-002 and minimal")
    untouched = pytester.runpytest_subprocess(
        *args, "--kaizen-allow-incomplete", "-p", "no:cacheprovider"
    )
    assert untouched.ret == pytest.ExitCode.OK, untouched.stdout.str()[-2000:]

    golden = package / "fixtures" / "prepare" / "minimal" / "golden" / "coach.json"
    golden.write_text(
        golden.read_text(encoding="utf-8").replace("coach", "c0ach"), encoding="utf-8"
    )
    added = package / "roles" / "added.py"
    added.write_text("ADDED = True\n", encoding="utf-8")
    refused = pytester.runpytest_subprocess(
        *args, "--kaizen-allow-incomplete", "-p", "no:cacheprovider"
    )
    assert refused.ret == pytest.ExitCode.USAGE_ERROR
    refused.stderr.fnmatch_lines(
        [
            "ERROR: kaizen-conformance: the installed kit differs from what its wheel installed (RECORD), *",
            f"  {golden.resolve()}",
            f"  {added.resolve()}",
            "Reinstall it: pip install --force-reinstall kaizen-conformance",
        ]
    )


def test_the_baseline_sees_a_change_that_keeps_size_and_mtime(tmp_path: Path) -> None:
    """The end check looks at the stat first; a write that restores size and mtime still moves ctime."""
    fixtures = tmp_path / "fixtures"
    shutil.copytree(
        locations.fixtures_dir() / "prepare" / "minimal", fixtures / "prepare" / "minimal"
    )
    baseline = integrity.take_baseline(fixtures)
    golden = fixtures / "prepare" / "minimal" / "golden" / "coach.json"
    info = golden.stat()
    text = golden.read_text(encoding="utf-8")
    golden.write_text(text.replace("coach", "c0ach"), encoding="utf-8")
    os.utime(golden, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert baseline.changed() == [str(golden.resolve())]
    assert baseline.changed(allowed=lambda path: path.endswith(".json")) == []
