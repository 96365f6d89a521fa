"""The pieces under the prepare checks: parsing a command's stdout, judging paths and times,
normalising for the goldens, and the reference's reading of git."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kaizen_conformance.adapters.prepare import (
    json_problem,
    looks_like_an_event,
    parse_stdout,
)
from kaizen_conformance.cases import goldens
from kaizen_conformance.cases.prepare import git_environment
from kaizen_conformance.reference import prepare as reference
from kaizen_conformance.roles.prepare import relative_path_problem, rfc3339_problem

# --------------------------------------------------------------------------- a command's stdout


def parsed(data: bytes) -> tuple[dict | None, str]:
    return parse_stdout(data, len(data), repr(data[:40]))


@pytest.mark.parametrize(
    ("stdout", "problem"),
    [
        (b'{"a": 1}\n', ""),
        (b'  \n{"a": 1}\n\n', ""),
        (b"", "it printed nothing on stdout"),
        (b'preparing...\n{"a": 1}\n', "its stdout is not one JSON object (Expecting value"),
        (b'{"a": 1}\n{"b": 2}\n', "its stdout is not one JSON object (Extra data"),
        (b'{"a": 1}\ndone\n', "its stdout is not one JSON object (Extra data"),
        (b"[1, 2]", "its stdout holds a JSON array, not the event object"),
        (b'{"a": NaN}', "its stdout is not one JSON object (NaN is not a JSON value)"),
        (b'\xef\xbb\xbf{"a": 1}', "its stdout is not one JSON object (Unexpected UTF-8 BOM"),
        (b'{"a": "\xff"}', "its stdout is not UTF-8 (invalid start byte at byte 7)"),
    ],
)
def test_a_command_s_stdout_is_one_json_object_or_the_problem_says_why(
    stdout: bytes, problem: str
) -> None:
    event, found = parsed(stdout)
    assert found.startswith(problem), found
    assert (event is not None) == (problem == "")


def test_truncated_stdout_is_never_parsed() -> None:
    event, problem = parse_stdout(b'{"a": 1}', 10 << 20, "'{...'")
    assert event is None and problem.startswith("its stdout holds 10485760 bytes")


@pytest.mark.parametrize(
    ("stdout", "is_event"),
    [
        (b"", False),
        (b"error: no such agent\n", False),
        (b'{"x": 1}', True),
        (b"log\nkaizen.schedule.prepared\n", True),
    ],
)
def test_what_counts_as_an_event_on_a_failing_command_s_stdout(
    stdout: bytes, is_event: bool
) -> None:
    assert looks_like_an_event(stdout) is is_event


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"a": [1, 2.5, None, True, "x", (1, 2)]}, None),
        ({1: "x"}, "$ has a key 1 that is not a string"),
        ({"a": {"b": float("nan")}}, "$.a.b is nan, which JSON cannot carry"),
        ({"a": [b"bytes"]}, "$.a[0] is a bytes (b'bytes'), not JSON data"),
    ],
)
def test_a_returned_event_must_be_plain_json_data(value: object, problem: str | None) -> None:
    assert json_problem(value) == problem


# --------------------------------------------------------------------------- paths and times


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        (".kaizen/agents/coach/prompt.md", True),
        (".kaizen/agents/coach/memory/über.md", True),
        ("/srv/repo/.kaizen/agents/coach/prompt.md", False),
        ("C:/repo/prompt.md", False),
        (".kaizen\\agents\\coach\\prompt.md", False),
        ("./.kaizen/agents/coach/prompt.md", False),
        (".kaizen/agents/../agents/coach/prompt.md", False),
        (".kaizen//agents/coach/prompt.md", False),
        ("", False),
        (None, False),
    ],
)
def test_repo_relative_posix_paths(path: object, ok: bool) -> None:
    assert (relative_path_problem(path) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2026-06-17T06:19:51Z", True),
        ("2026-06-17T06:19:51.123456+00:00", True),
        ("2026-06-17t06:19:51-07:30", True),
        ("2026-12-31T23:59:60Z", True),  # a leap second is RFC 3339
        ("2026-06-17T06:19:51", False),  # no offset
        ("2026-06-17 06:19:51Z", False),
        ("2026-02-30T06:19:51Z", False),
        ("2026-06-17T24:00:00Z", False),
        ("2026-06-17T06:19:51+25:00", False),
        ("yesterday", False),
    ],
)
def test_time_is_rfc3339_with_an_offset(value: str, ok: bool) -> None:
    assert (not rfc3339_problem(value)) is ok


# --------------------------------------------------------------------------- normalising for the goldens


def test_normalise_replaces_id_time_and_the_root_only_as_given() -> None:
    event = {
        "specversion": "1.0",
        "type": "kaizen.schedule.prepared",
        "source": "somewhere",
        "id": "42",
        "time": "2026-06-17T06:19:51Z",
        "subject": "coach",
        "datacontenttype": "application/json",
        "traceparent": "00-abc",
        "data": {
            "repo": {"root": "/given", "head": None},
            "metrics": {"values": {"n": 3.0, "r": 0.5}},
        },
    }
    normalised = goldens.normalise(event, "/given")
    assert set(normalised) == {
        "specversion",
        "type",
        "id",
        "time",
        "subject",
        "datacontenttype",
        "data",
    }
    assert (normalised["id"], normalised["time"], normalised["data"]["repo"]["root"]) == (
        "<id>",
        "<time>",
        "<repo>",
    )
    assert normalised["data"]["metrics"]["values"] == {"n": 3, "r": 0.5}
    assert isinstance(normalised["data"]["metrics"]["values"]["n"], int)
    assert goldens.normalise(event, "/elsewhere")["data"]["repo"]["root"] == "/given"
    assert "id" not in goldens.normalise({k: v for k, v in event.items() if k != "id"}, "/given")
    assert event["id"] == "42", "the event itself is left alone"


# --------------------------------------------------------------------------- the reference command


def run_reference(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kaizen_conformance.reference.prepare", *args],
        capture_output=True,
        timeout=60,
    )


def test_the_reference_command_prints_one_event_or_fails_naming_the_agent(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".kaizen" / "agents" / "coach").mkdir(parents=True)
    (repo / ".kaizen" / "schedule.yml").write_text(
        "version: 1\nagents:\n  - name: coach\n    cadence: daily\n"
    )
    (repo / ".kaizen" / "agents" / "coach" / "prompt.md").write_text("# Coach\n")
    done = run_reference("coach", str(repo))
    assert done.returncode == 0 and done.stderr == b""
    event = json.loads(done.stdout)
    assert (event["subject"], event["data"]["repo"]["root"], event["data"]["cadence"]) == (
        "coach",
        str(repo),
        "daily",
    )
    done = run_reference("ghost", str(repo))
    assert (done.returncode, done.stdout) == (1, b"")
    assert b"ghost" in done.stderr and b"schedule.yml" in done.stderr


# --------------------------------------------------------------------------- the reference reads git


def git(cwd: Path, *words: str) -> str:
    done = git_run(cwd, *words)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def git_run(cwd: Path, *words: str) -> subprocess.CompletedProcess[str]:
    env = {
        **git_environment(cwd.parent / "home"),
        "GIT_AUTHOR_DATE": "2026-06-17T06:19:51Z",
        "GIT_COMMITTER_DATE": "2026-06-17T06:19:51Z",
    }
    done = subprocess.run(
        ["git", "-c", "commit.gpgSign=false", *words],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@needs_git
def test_git_head_in_a_linked_worktree_shares_the_main_repository_s_refs(tmp_path: Path) -> None:
    main = tmp_path / "main"
    main.mkdir()
    git(main, "init", "-q", "--template=")
    (main / "file.md").write_text("one\n")
    git(main, "add", "-A")
    git(main, "commit", "-q", "-m", "one")
    git(main, "branch", "feature")
    git(main, "commit", "-q", "--allow-empty", "-m", "two")
    git(main, "pack-refs", "--all", "--prune")
    git(main, "worktree", "add", "-q", str(tmp_path / "linked"), "feature")
    linked = tmp_path / "linked"
    assert (linked / ".git").is_file()
    assert (
        reference.git_head(str(linked))
        == git(linked, "rev-parse", "HEAD")
        != git(main, "rev-parse", "HEAD")
    )
    assert reference.git_head(str(main)) == git(main, "rev-parse", "HEAD")


@needs_git
def test_git_head_is_null_before_the_first_commit_and_outside_git(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    assert reference.git_head(str(tmp_path / "plain")) is None
    unborn = tmp_path / "unborn"
    unborn.mkdir()
    git(unborn, "init", "-q", "--template=")
    assert reference.git_head(str(unborn)) is None


@needs_git
def test_git_head_in_a_sha256_repository_has_64_hex_digits(tmp_path: Path) -> None:
    repo = tmp_path / "sha256"
    repo.mkdir()
    done = git_run(repo, "init", "-q", "--template=", "--object-format=sha256")
    if done.returncode != 0:
        # git before 2.29 knows no --object-format, and a build may lack SHA-256: only then skip
        if re.search(r"object-format|hash algorithm|sha256", done.stderr, re.IGNORECASE):
            pytest.skip(f"this git cannot make SHA-256 repositories: {done.stderr.strip()}")
        pytest.fail(f"git init failed for another reason: {done.stderr.strip()}")
    (repo / "file.md").write_text("one\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    head = reference.git_head(str(repo))
    assert head == git(repo, "rev-parse", "HEAD") and head is not None and len(head) == 64


def test_the_reference_never_resolves_the_root_it_was_given(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".kaizen" / "agents" / "coach").mkdir(parents=True)
    (repo / ".kaizen" / "schedule.yml").write_text(
        "version: 1\nagents:\n  - name: coach\n    cadence: daily\n"
    )
    (repo / ".kaizen" / "agents" / "coach" / "prompt.md").write_text("# Coach\n")
    os.symlink(repo, tmp_path / "link")
    event = reference.prepare(str(tmp_path / "link"), "coach")
    assert event["data"]["repo"]["root"] == str(tmp_path / "link")
