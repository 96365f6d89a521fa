"""Every implementation call is bounded in time and memory, and nothing it starts outlives it.

In-process calls run in a child process of their own (Linux): a hung call is stopped, not
abandoned; a runaway allocation is that call's over-limit, not the machine's OOM killer ending
the run; whatever it spawned is ended with it. Commands run under a warden that ends every
process they leave, a double-forked ``setsid`` daemon included, so no grandchild holding the
pipes keeps the kit waiting.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest
from kitrun import run_kit
from test_hostile import alive

from kaizen_conformance.runtime import calls
from kaizen_conformance.runtime.commands import run_command

pytestmark = pytest.mark.skipif(
    not calls.isolation_available(), reason="calls run in child processes on Linux only"
)

SPAWNS_THEN_HANGS = """\
import os, subprocess, threading

def validate(repo):
    child = subprocess.Popen(["sleep", "300"])
    daemon = subprocess.Popen(["setsid", "sleep", "301"], start_new_session=True)
    with open(os.environ["PIDS_LOG"], "a") as log:
        log.write(f"{os.getpid()} {child.pid} {daemon.pid}\\n")
    threading.Event().wait()
"""
SPAWNS_A_DAEMON = """\
import os, subprocess
from kaizen_conformance.reference.manifest_tools import validate as reference

def validate(repo):
    daemon = subprocess.Popen(["sleep", "302"], start_new_session=True)
    with open(os.environ["PIDS_LOG"], "a") as log:
        log.write(f"{daemon.pid}\\n")
    return reference(repo)
"""
# A validate command that leaves a double-forked setsid daemon holding its stdout and stderr.
DAEMON_COMMAND = """\
#!/bin/sh
( setsid sh -c 'echo $$ >> "$PIDS_LOG"; exec sleep 303' & )
exec {python} -c "import sys; from kaizen_conformance.reference.manifest_tools import validate; validate(sys.argv[1])" "$1"
"""
EXPANDS_BOMB = """\
import yaml
from kaizen_conformance.reference.manifest_tools import list_agents as reference
from mutants._mistakes import expand

def list_agents(repo):
    with open(repo + "/.kaizen/schedule.yml", encoding="utf-8") as handle:
        expand(yaml.safe_load(handle))  # walks the manifest before validating it
    return reference(repo)
"""


def pids_in(log: Path) -> list[int]:
    return [int(word) for word in log.read_text().split()] if log.exists() else []


def kaizen_threads(before: set[threading.Thread]) -> list[str]:
    return [t.name for t in set(threading.enumerate()) - before if t.name.startswith("kaizen")]


def test_a_hung_in_process_call_is_stopped_with_all_it_started_and_leaves_no_thread(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = pytester.path / "pids.log"
    monkeypatch.setenv("PIDS_LOG", str(log))
    pytester.makepyfile(hangs=SPAWNS_THEN_HANGS)
    pytester.syspathinsert()
    before = set(threading.enumerate())
    started = time.perf_counter()
    run = run_kit(
        pytester,
        "--kaizen-validate=hangs:validate",
        "--kaizen-timeout=1",
        "-k",
        "SCH-001 and minimal",
    )
    assert time.perf_counter() - started < 10
    assert run.role_outcomes("validate") == {"SCH-001[minimal]": "failed"}
    assert run.failures("SCH-001", "over-limit"), run.result.stdout.str()[-2000:]
    run.result.stdout.fnmatch_lines(
        ["*the per-call limit (--kaizen-timeout); the call was stopped*"]
    )
    pids = pids_in(log)
    assert len(pids) == 3, "the call never ran"
    assert not [pid for pid in pids if alive(pid)], "the call, its child or its daemon survived"
    assert kaizen_threads(before) == [], "an implementation thread outlived its call"


def test_a_process_an_in_process_call_leaves_behind_is_ended_when_it_returns(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = pytester.path / "pids.log"
    monkeypatch.setenv("PIDS_LOG", str(log))
    pytester.makepyfile(daemon=SPAWNS_A_DAEMON)
    pytester.syspathinsert()
    run = run_kit(pytester, "--kaizen-validate=daemon:validate", "-k", "SCH-001 and minimal")
    assert run.role_outcomes("validate") == {"SCH-001[minimal]": "passed"}
    (pid,) = pids_in(log)
    assert not alive(pid), "a daemon started by an in-process call outlived it"


def test_a_double_forked_daemon_of_a_command_is_ended_and_its_pipes_cost_nothing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = pytester.path / "pids.log"
    monkeypatch.setenv("PIDS_LOG", str(log))
    script = pytester.path / "validate-leaving-a-daemon"
    script.write_text(DAEMON_COMMAND.format(python=sys.executable))
    script.chmod(0o755)
    started = time.perf_counter()
    run = run_kit(
        pytester,
        f"--kaizen-validate-cmd={script} {{repo}}",
        "-k",
        "SCH-001 and (minimal or version-true)",
    )
    elapsed = time.perf_counter() - started
    assert run.role_outcomes("validate") == {
        "SCH-001[minimal]": "passed",
        "SCH-001[version-true]": "passed",
    }, run.result.stdout.str()[-2000:]
    assert elapsed < 8, f"two calls took {elapsed:.1f} s: the kit waited on the daemon's pipes"
    pids = pids_in(log)
    assert len(pids) == 2, "the daemons never started"
    assert not [pid for pid in pids if alive(pid)], "a setsid daemon outlived its command"


def test_a_runaway_in_process_allocation_is_over_limit_on_its_rule_and_the_run_goes_on(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(bomb=EXPANDS_BOMB)
    kit_pytester.syspathinsert()
    report = kit_pytester.path / "report.json"
    run = run_kit(
        kit_pytester,
        "--kaizen-list=bomb:list_agents",
        "--kaizen-memory=64",
        "--kaizen-timeout=30",
        f"--kaizen-report={report}",
        "-k",
        "LST-002 and (laughs or no-manifest) and not in-one-value",
    )
    assert run.role_outcomes("list") == {
        "LST-002[billion-laughs]": "failed",
        "LST-002[no-manifest]": "passed",
    }
    (failure,) = run.failures("LST-002", "over-limit")
    assert "ran out of its memory budget of 64 MiB (--kaizen-memory)" in failure.message
    checks = json.loads(report.read_text())["checks"]
    assert [c["failure_kind"] for c in checks if c["outcome"] == "failed"] == ["over-limit"]


def test_a_command_that_runs_out_of_memory_is_over_limit_naming_the_budget() -> None:
    bomb = "x = []\nwhile True: x.append(bytearray(1 << 20))"
    outcome = run_command([sys.executable, "-c", bomb], limit=30, memory_mib=64)
    assert outcome.over_limit and outcome.over_memory and not outcome.timed_out
    assert "ran out of its memory budget of 64 MiB (--kaizen-memory)" in outcome.describe()


@pytest.mark.parametrize("warded", [True, False], ids=["warden", "process-group"])
def test_a_commands_stdin_is_the_file_given_or_nothing(
    warded: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaizen_conformance.runtime import processes

    if not warded:
        monkeypatch.setattr(processes, "tree_reachable", lambda: False)
    given = tmp_path / "in.json"
    given.write_bytes(b'[{"slug": "a/b"}]' * 5000)
    echo = [sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read())"]
    fds_before = len(os.listdir("/proc/self/fd"))
    fed = run_command(echo, limit=30, stdin_file=given)
    assert fed.ok and fed.stdout == given.read_bytes()
    empty = run_command(echo, limit=30)
    assert empty.ok and empty.stdout == b""
    missing = run_command(echo, limit=30, stdin_file=tmp_path / "absent")
    assert not missing.ok and "absent" in missing.start_error
    assert len(os.listdir("/proc/self/fd")) == fds_before  # no descriptor left open in the kit


def test_a_memory_budget_that_is_no_number_is_a_usage_error_naming_the_option(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "--kaizen-reference", "--kaizen-memory=lots"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--kaizen-memory*'lots' is not a number of MiB between 64 and 1048576*"]
    )


# --------------------------------------------------------------------------- the call itself


def test_what_the_call_fills_in_comes_home_and_its_value_is_returned() -> None:
    seen: list[str] = []

    def call() -> dict[str, list[int]]:
        seen.append("asked")
        return {"answer": [4, 2]}

    outcome = calls.call_with_limit(call, 5, "t", memory_mib=64, carry=[seen])
    assert outcome.isolated and outcome.value == {"answer": [4, 2]} and seen == ["asked"]


def test_an_exception_that_cannot_travel_comes_home_as_a_stand_in_with_its_name_and_text() -> None:
    class Refusal(Exception):
        def __init__(self, text: str, code: int) -> None:
            super().__init__(text)
            self.code = code

    def call() -> None:
        raise Refusal("schedule.yml: not a mapping", 2)

    outcome = calls.call_with_limit(call, 5, "t")
    assert outcome.error_type == "Refusal" and str(outcome.error) == "schedule.yml: not a mapping"
    assert "Refusal: schedule.yml: not a mapping" in outcome.error_text


def test_a_value_that_cannot_travel_is_judged_by_what_it_was() -> None:
    outcome = calls.call_with_limit(lambda: (n for n in range(3)), 5, "t")
    assert not outcome.failed and repr(outcome.value).startswith("<generator object")


def test_a_call_that_ends_its_own_process_failed_and_says_so() -> None:
    outcome = calls.call_with_limit(lambda: os._exit(3), 5, "t")
    assert outcome.failed and "ended without an answer" in str(outcome.error)


def test_without_child_processes_calls_run_in_a_thread_bounded_in_time_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(calls, "isolation_available", lambda: False)
    outcome = calls.call_with_limit(lambda: 42, 5, "t", memory_mib=64)
    assert outcome.value == 42 and not outcome.isolated
    assert calls.call_with_limit(lambda: time.sleep(5), 0.2, "t").timed_out


def test_the_kit_finds_every_descendant_whatever_session_it_moved_to() -> None:
    outcome = run_command(["sh", "-c", "setsid sleep 304 & sleep 0.2; echo $!"], limit=5)
    assert outcome.ok
    assert not alive(int(outcome.stdout)), "a setsid child outlived its command"


def test_between_runs_in_the_kit_while_the_calls_process_keeps_its_state(tmp_path: Path) -> None:
    """A sequence: the kit changes the world between calls; what the process holds stays."""
    marker = tmp_path / "world"
    marker.write_text("first")
    seen: list[str] = []

    def read_with_cache() -> str:
        seen.append(marker.read_text())
        return "|".join(seen)

    def change(index: int) -> None:
        marker.write_text(f"after {index}")

    outcomes = calls.call_in_sequence([read_with_cache] * 3, 5.0, "between", between=change)
    assert [o.value for o in outcomes] == ["first", "first|after 0", "first|after 0|after 1"]
    if calls.isolation_available():
        assert seen == []  # the kit's own list was never touched: the calls ran elsewhere
