"""Untrusted implementations: whatever they do, the run stays bounded, clear and clean.

A command that hangs is killed with its whole process group at the limit; one that prints
megabytes, crashes or writes only to stderr fails with a clear, bounded message; an
in-process callable that hangs fails its own test within the limit and the run goes on;
and no process, thread, port or temporary file outlives the session.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from fnmatch import fnmatch
from pathlib import Path

import pytest
from kitrun import ItemOutcome, run_kit

FETCH_FIRST = """\
import json, os, subprocess, sys, time, urllib.request
hub_url = sys.argv[1]
with urllib.request.urlopen(hub_url.rstrip("/") + "/repos/", timeout=5) as answer:
    answer.read()
"""
SCRIPTS = {
    "hangs": FETCH_FIRST
    + """\
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
with open(os.environ["PIDS_LOG"], "a") as log:
    log.write(f"{os.getpid()} {child.pid}\\n")
time.sleep(300)
""",
    "floods_stdout": FETCH_FIRST + 'sys.stdout.write("x" * 10_000_000)\n',
    "floods_stderr_and_fails": FETCH_FIRST
    + 'sys.stderr.write("e" * 10_000_000 + "\\nfatal: out of patience\\n")\nsys.exit(3)\n',
    "crashes": FETCH_FIRST + "1 / 0\n",
    "fails_after_a_long_traceback": FETCH_FIRST
    + 'sys.stderr.write("noise\\n" * 5000)\nraise RuntimeError("the hub is down")\n',
    "stderr_only": FETCH_FIRST + 'print("warning: the roster looks odd", file=sys.stderr)\n',
    "not_utf8": FETCH_FIRST + 'sys.stdout.buffer.write(b"[\\xff]")\n',
}
ONE_CASE = ["-k", "RES-001 and flag-true-file-valid"]


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie (a container's init may never reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


def run_script(pytester: pytest.Pytester, name: str, *extra: str) -> tuple[ItemOutcome, str]:
    pytester.makepyfile(**{name: SCRIPTS[name]})
    run = run_kit(
        pytester,
        f"--kaizen-resolver-cmd=python {name}.py {{hub_url}} {{hostname}} {{domain}}",
        *extra,
    )
    (item,) = [i for i in run.items if i.name == "RES-001[flag-true-file-valid]"]
    return item, run.result.stdout.str()


def test_a_hanging_command_is_killed_with_its_process_group_at_the_limit(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIDS_LOG", str(pytester.path / "pids.log"))
    started = time.perf_counter()
    item, out = run_script(pytester, "hangs", "--kaizen-timeout=1", *ONE_CASE)
    assert time.perf_counter() - started < 15
    assert item.outcome == "failed"
    assert (
        "did not exit within the per-call limit of 1 s (--kaizen-timeout); killed with every process it started"
        in out
    )
    pids = [int(p) for p in (pytester.path / "pids.log").read_text().split()]
    assert len(pids) == 2 and not any(alive(pid) for pid in pids), (
        "the command or its child survived"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "floods_stdout",
            "malformed output: printed 10000000 bytes on stdout, more than the 4194304 the kit reads; it starts 'xxxx*",
        ),
        (
            "floods_stderr_and_fails",
            "exited 3 after * s; stderr ends unseen: it wrote 10000024 bytes, of which "
            "the kit keeps the first 4194304; they start 'eeee*'; stdout ''",
        ),
        (
            "fails_after_a_long_traceback",
            "exited 1 after * s; stderr ends '*\\nRuntimeError: the hub is down\\n' "
            "(the last 400 of * bytes); stdout ''",
        ),
        (
            "crashes",
            "exited 1 after * s; stderr ends '*ZeroDivisionError: division by zero\\n'; stdout ''",
        ),
        (
            "stderr_only",
            "malformed output: printed nothing on stdout (a resolver prints a JSON array); "
            "stderr ends 'warning: the roster looks odd\\n'",
        ),
        (
            "not_utf8",
            "malformed output: stdout is not UTF-8 (invalid start byte at byte 1); it starts '[[]\ufffd]'",
        ),
    ],
)
def test_a_misbehaving_command_fails_with_a_clear_bounded_message(
    pytester: pytest.Pytester, name: str, message: str
) -> None:
    item, out = run_script(pytester, name, *ONE_CASE)
    assert item.outcome == "failed"
    assert len(item.message) < 3000, f"an unbounded message: {len(item.message)} characters"
    lines = [line for line in out.splitlines() if line.startswith("case flag-true-file-valid: ")]
    assert lines, out[-3000:]
    assert fnmatch(lines[0], f"case flag-true-file-valid: {message}"), lines[0]


HANGING_CALLABLE = """\
import threading

def resolve(hub_url, hostname, domain=None):
    threading.Event().wait()
"""


@pytest.mark.parametrize("double", ["respx", "server"])
def test_a_hanging_callable_fails_its_own_tests_within_the_limit_and_the_run_goes_on(
    pytester: pytest.Pytester, double: str
) -> None:
    pytester.makepyfile(hanging=HANGING_CALLABLE)
    started = time.perf_counter()
    run = run_kit(
        pytester,
        "--kaizen-resolver=hanging:resolve",
        f"--kaizen-hub-double={double}",
        "--kaizen-timeout=1",
        "-k",
        "test_resolver and (flag-true-file-valid or flag-true-file-missing or hub-500)",
    )
    elapsed = time.perf_counter() - started
    outcomes = run.outcomes()
    assert len(outcomes) == 6, (
        outcomes
    )  # three cases, each an outcome and a boundary check: all reported
    assert {name: o for name, o in outcomes.items() if not name.startswith("RES-015")} == {
        "RES-001[flag-true-file-valid]": "failed",
        "RES-002[flag-true-file-missing]": "failed",
        "RES-011[hub-500]": "failed",
    }
    assert elapsed < 3 * 1 + 10, f"three hung calls took {elapsed:.1f} s"
    run.result.stdout.fnmatch_lines(
        ["*did not return within the per-call limit of 1 s (--kaizen-timeout)*"]
    )


# --------------------------------------------------------------------------- nothing outlives the session

PROBE_PLUGIN = """\
import os

def pytest_sessionfinish(session):
    from kaizen_conformance.adapters.resolver import LOOPBACK
    hub = session.config.stash.get(LOOPBACK, None)
    with open(os.environ["PORT_LOG"], "w") as log:
        log.write(str(hub.port if hub is not None and hub.running else 0))
"""
SPAWNS_AND_RESOLVES = """\
import os, subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
with open(os.environ["PIDS_LOG"], "a") as log:
    log.write(f"{os.getpid()} {child.pid}\\n")
import json
from kaizen_conformance.reference.resolver import resolve
# a hub timeout far past the kit's limit: the stalled case is killed at the limit, with its child
json.dump(resolve(sys.argv[1], sys.argv[2], sys.argv[3] or None, timeout=60), sys.stdout)
"""
STALLS_FOR_EVER = """\
import urllib.request

def resolve(hub_url, hostname, domain=None):
    with urllib.request.urlopen(hub_url.rstrip("/") + "/repos/") as answer:  # no timeout
        return answer.read()
"""


@pytest.fixture
def session_probe(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch TMPDIR, a log of process ids and the loopback port, for an in-process kit run."""
    scratch = pytester.path / "scratch-tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("PIDS_LOG", str(pytester.path / "pids.log"))
    monkeypatch.setenv("PORT_LOG", str(pytester.path / "port.log"))
    pytester.makepyfile(
        probe_plugin=PROBE_PLUGIN, spawns=SPAWNS_AND_RESOLVES, stalls=STALLS_FOR_EVER
    )
    pytester.syspathinsert()
    return scratch


def assert_nothing_outlives(
    pytester: pytest.Pytester, scratch: Path, threads_before: set[threading.Thread]
) -> None:
    port = int((pytester.path / "port.log").read_text())
    assert port, "the run never started the loopback hub double"
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still accepts connections"
    deadline = time.monotonic() + 5
    while left := [
        t.name for t in set(threading.enumerate()) - threads_before if t.name.startswith("kaizen")
    ]:
        assert time.monotonic() < deadline, f"threads outlived the session: {left}"
        time.sleep(0.05)
    pids_log = pytester.path / "pids.log"
    pids = [int(p) for p in pids_log.read_text().split()] if pids_log.exists() else []
    assert not [pid for pid in pids if alive(pid)], "processes outlived the session"
    assert list(scratch.iterdir()) == [], "temporary files outlived the session"


def test_no_process_thread_port_or_temporary_file_outlives_a_command_session(
    pytester: pytest.Pytester, session_probe: Path
) -> None:
    before = set(threading.enumerate())
    run = run_kit(
        pytester,
        "-p",
        "probe_plugin",
        # room for a loaded machine to start Python and import httpx within the limit
        "--kaizen-timeout=5",
        "--kaizen-resolver-cmd=python spawns.py {hub_url} {hostname} {domain}",
        "-k",
        "test_resolver and (flag-true-file-valid or hub-500 or hub-stalls)",
    )
    outcomes = run.outcomes()
    assert outcomes["RES-001[flag-true-file-valid]"] == "passed", run.result.stdout.str()[-3000:]
    # its hub timeout is 60 s, the limit 5 s: killed at the limit with the child it started
    assert outcomes["RES-012[hub-stalls]"] == "failed"
    assert (
        len((pytester.path / "pids.log").read_text().split()) == 6
    )  # three cases, each a command and a child
    assert_nothing_outlives(pytester, session_probe, before)


def test_no_thread_or_port_outlives_a_session_whose_callable_hung_on_the_hub(
    pytester: pytest.Pytester, session_probe: Path
) -> None:
    before = set(threading.enumerate())
    run = run_kit(
        pytester,
        "-p",
        "probe_plugin",
        "--kaizen-timeout=1",
        "--kaizen-resolver=stalls:resolve",
        "--kaizen-hub-double=server",
        "-k",
        "test_resolver and hub-stalls",
    )
    assert run.outcomes()["RES-012[hub-stalls]"] == "failed"
    assert_nothing_outlives(pytester, session_probe, before)


def test_a_session_with_an_abandoned_thread_still_exits_promptly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(hanging=HANGING_CALLABLE)
    started = time.perf_counter()
    run = run_kit(
        pytester,
        "--kaizen-resolver=hanging:resolve",
        "--kaizen-timeout=1",
        *ONE_CASE,
        subprocess=True,
    )
    assert run.outcomes() == {"RES-001[flag-true-file-valid]": "failed"}
    assert time.perf_counter() - started < 20, (
        "the interpreter waited for an abandoned implementation thread"
    )
