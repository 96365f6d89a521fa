"""Report files are complete or absent, never wrong; a requested report not written fails the run.

Each report is written beside its path and renamed into place, so a full disk, a second writer
or a kill leaves the earlier file or the new one whole. A path that cannot take a report fails
the run (exit 4: the run's set-up, not a verdict) with the option, the path, the OS error and the
fix, and the other reports are written all the same. A run of the kit removes the reports at its
paths as it starts, and SIGTERM stops it as SIGINT does: a run that dies leaves no earlier green
report behind, and a terminated one writes its own, INCOMPLETE.

The full disk is a real one as far as the writer can tell: ``RLIMIT_FSIZE`` makes the kernel
refuse the write (``EFBIG``) even as root, where a read-only directory would not.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from kitrun import KIT_ARGS, run_kit

from kaizen_conformance import contract

NARROW = ("--kaizen-reference", "-k", "flag-true-file-missing", "--kaizen-allow-incomplete")
EARLIER_GREEN = '{"kit": {"name": "kaizen-conformance"}, "earlier": "CONFORMS"}\n'

# A -p plugin for the child run: from the moment the kit writes its reports, no file of this
# process may grow past 4 KiB (the JSON report is about 9 KiB, the Markdown summary about 1).
FILE_SIZE_LIMIT = """\
import resource

def pytest_sessionfinish(session):
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
"""

# An in-process resolver that answers like the reference, except that its fourth call says it
# started ("started" appears) and then takes SLEEP seconds: the moment to stop the run.
# Counted in a file: each call runs in a process of its own, so a counter in memory starts afresh.
SLOW_RESOLVER = """\
import pathlib, time
from kaizen_conformance.reference import resolver as ref
def resolve(hub_url, hostname, domain=None):
    with open("calls", "a+") as calls:
        calls.write("call\\n")
        calls.seek(0)
        count = len(calls.readlines())
    if count == 4:
        pathlib.Path("started").touch()
        time.sleep(SLEEP)
    return ref.resolve_v2(hub_url, hostname, domain)
"""


def child_env(pytester: pytest.Pytester) -> dict[str, str]:
    """The environment of a child run: it imports modules made in pytester's directory."""
    path = os.pathsep.join(p for p in (str(pytester.path), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path}


def kit_command(pytester: pytest.Pytester, *args: str) -> list[str]:
    basetemp = pytester.path / f"basetemp-{time.monotonic_ns()}"
    return [sys.executable, "-m", "pytest", *KIT_ARGS, f"--basetemp={basetemp}", *args]


def start_kit(
    pytester: pytest.Pytester, *args: str, name: str = "child"
) -> subprocess.Popen[bytes]:
    """The kit in a child process of its own session (output in ``<name>.out``)."""
    with open(pytester.path / f"{name}.out", "wb") as output:
        return subprocess.Popen(
            kit_command(pytester, *args),
            cwd=pytester.path,
            env=child_env(pytester),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def leftovers(directory: Path) -> list[str]:
    """Temporary files of the writer left in ``directory``."""
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".partial"))


def last_lines(output: str, count: int = 4) -> str:
    return "\n".join(output.splitlines()[-count:])


def test_a_full_disk_fails_the_run_and_leaves_no_partial_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(file_size_limit=FILE_SIZE_LIMIT)
    report = pytester.path / "report.json"
    report.write_text(EARLIER_GREEN * 400)  # larger than the limit: an in-place write truncates it
    finished = subprocess.run(
        kit_command(
            pytester,
            "-p",
            "file_size_limit",
            *NARROW,
            "--kaizen-report=report.json",
            "--kaizen-report-md=summary.md",
        ),
        cwd=pytester.path,
        env=child_env(pytester),
        capture_output=True,  # pipes: the limit is on files, and the summary must get out
        text=True,
        timeout=120,
    )
    assert finished.returncode == pytest.ExitCode.USAGE_ERROR, finished.stdout[-3000:]
    # complete or absent: the earlier report was removed as the run started, and nothing half written
    assert not report.exists()
    assert leftovers(pytester.path) == []
    assert (pytester.path / "summary.md").read_text().startswith("## kaizen conformance")
    tail = last_lines(finished.stdout)
    assert (
        "kaizen: JSON report not written: --kaizen-report=report.json: File too large; "
        "the file is larger than this process may write (ulimit -f): raise the limit"
    ) in tail
    assert (
        "kaizen exit status 4: report not written (--kaizen-report=report.json), an error of the "
        "run's set-up, not a verdict; resolver INCOMPLETE"
    ) in tail


def test_a_failed_write_leaves_the_earlier_file_whole(pytester: pytest.Pytester) -> None:
    """The writer alone, under the same limit: the earlier file keeps every byte, the
    step summary (appended to) is cut back to where it was, and no temporary file is left."""
    earlier = EARLIER_GREEN * 2
    (pytester.path / "report.json").write_text(earlier)
    (pytester.path / "step.md").write_text("# earlier step\n")
    script = textwrap.dedent(
        """\
        import errno, resource
        from pathlib import Path
        from kaizen_conformance.reports.writing import append_file, replace_file
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
        for write, name in ((replace_file, "report.json"), (append_file, "step.md")):
            try:
                write(Path(name), b"x" * 10_000)
            except OSError as error:
                assert error.errno == errno.EFBIG, error
            else:
                raise SystemExit(f"{name}: the write did not fail")
        """
    )
    subprocess.run(
        [sys.executable, "-c", script], cwd=pytester.path, env=child_env(pytester), check=True
    )
    assert (pytester.path / "report.json").read_text() == earlier
    assert (pytester.path / "step.md").read_text() == "# earlier step\n"
    assert leftovers(pytester.path) == []


def test_a_report_path_that_is_a_directory_fails_the_run_and_the_others_are_written(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "taken").mkdir()
    run = run_kit(pytester, *NARROW, "--kaizen-report=taken", "--kaizen-badge=badge.json")
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    run.result.stdout.fnmatch_lines(
        [
            "kaizen: badge written to badge.json",
            "kaizen: JSON report not written: --kaizen-report=taken: Is a directory; "
            "name a file, not a directory",
            "kaizen exit status 4: report not written (--kaizen-report=taken), an error of the "
            "run's set-up, not a verdict; resolver INCOMPLETE *",
        ]
    )
    assert (pytester.path / "taken").is_dir() and not any((pytester.path / "taken").iterdir())
    assert leftovers(pytester.path) == []


def test_a_report_path_under_a_file_fails_the_run(pytester: pytest.Pytester) -> None:
    (pytester.path / "blocker.txt").write_text("a file, not a directory")
    run = run_kit(pytester, *NARROW, "--kaizen-report-md=blocker.txt/deeper/summary.md")
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    run.result.stdout.fnmatch_lines(
        [
            "kaizen: Markdown summary not written: --kaizen-report-md=blocker.txt/deeper/summary.md: "
            "Not a directory; a part of the path is a file, not a directory: name a file in a directory",
            "kaizen exit status 4: report not written (--kaizen-report-md=*",
        ]
    )
    assert (pytester.path / "blocker.txt").read_text() == "a file, not a directory"


def test_a_failed_step_summary_append_fails_the_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    (pytester.path / "step-summary").mkdir()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(pytester.path / "step-summary"))
    run = run_kit(pytester, *NARROW)
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    run.result.stdout.fnmatch_lines(
        [
            "kaizen: GitHub step summary not written: GITHUB_STEP_SUMMARY=*step-summary: Is a directory*"
        ]
    )


def test_a_link_at_the_report_path_is_replaced_and_its_target_left_alone(
    pytester: pytest.Pytester,
) -> None:
    target = pytester.path / "someone-elses.json"
    target.write_text("not the kit's\n")
    (pytester.path / "report.json").symlink_to(target)
    (pytester.path / "badge-resolver.json").symlink_to(os.devnull)
    run = run_kit(
        pytester, *NARROW, "--kaizen-report=report.json", "--kaizen-badge=badge-{role}.json"
    )
    assert run.result.ret == pytest.ExitCode.OK
    assert target.read_text() == "not the kit's\n"
    for name in ("report.json", "badge-resolver.json"):
        assert not (pytester.path / name).is_symlink()
    contract.validator("report").validate(json.loads((pytester.path / "report.json").read_text()))
    assert json.loads((pytester.path / "badge-resolver.json").read_text())["schemaVersion"] == 1


def test_two_runs_writing_one_report_leave_one_complete_report(pytester: pytest.Pytester) -> None:
    runs = [
        start_kit(pytester, *NARROW, "--kaizen-report=shared.json", name=f"run{i}") for i in (1, 2)
    ]
    for run in runs:
        assert run.wait(timeout=120) == 0, (pytester.path / "run1.out").read_text()[-2000:]
    contract.validator("report").validate(json.loads((pytester.path / "shared.json").read_text()))
    assert leftovers(pytester.path) == []


def test_a_reader_never_sees_a_report_half_written(tmp_path: Path) -> None:
    """Writers racing on one path while a reader reads it: every read is one writer's whole file."""
    import threading

    from kaizen_conformance.reports.writing import replace_file

    path = tmp_path / "report.json"
    replace_file(path, json.dumps({"writer": -1}).encode())
    texts = {n: json.dumps({"writer": n, "padding": "x" * 200_000}).encode() for n in (1, 2)}
    stop = threading.Event()

    def write(n: int) -> None:
        while not stop.is_set():
            replace_file(path, texts[n])

    writers = [threading.Thread(target=write, args=(n,)) for n in texts]
    for writer in writers:
        writer.start()
    try:
        deadline = time.monotonic() + 1.5
        reads = 0
        while time.monotonic() < deadline:
            assert json.loads(path.read_bytes())["writer"] in (-1, 1, 2)
            reads += 1
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert reads > 10
    assert leftovers(tmp_path) == []


def slow_run(pytester: pytest.Pytester, sleep: float, *args: str) -> subprocess.Popen[bytes]:
    """A run of the slow resolver, once it is inside a check (past its first cases)."""
    pytester.makepyfile(slow=SLOW_RESOLVER.replace("SLEEP", str(sleep)))
    (pytester.path / "report.json").write_text(EARLIER_GREEN)
    child = start_kit(
        pytester,
        "--kaizen-resolver=slow:resolve",
        "--kaizen-timeout=120",
        "-k",
        "test_resolver",
        "--kaizen-report=report.json",
        *args,
    )
    deadline = time.monotonic() + 60
    while not (pytester.path / "started").exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            pytest.fail(
                "the slow resolver never started:\n"
                + (pytester.path / "child.out").read_text()[-3000:]
            )
        time.sleep(0.05)
    assert not (pytester.path / "report.json").exists(), "the earlier report outlived the start"
    return child


@pytest.mark.parametrize("workers", ["0", "2"])
def test_sigterm_stops_the_run_with_an_honest_incomplete_report(
    pytester: pytest.Pytester, workers: str
) -> None:
    # under xdist the controller waits for a busy worker's check: 3 s keeps that short
    child = slow_run(pytester, 3 if workers == "2" else 300, "-n", workers)
    try:
        child.send_signal(signal.SIGTERM)  # the controller only, as CI does
        status = child.wait(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    output = (pytester.path / "child.out").read_text()
    assert status == pytest.ExitCode.INTERRUPTED, output[-3000:]
    assert "KeyboardInterrupt: terminated by SIGTERM" in output
    report = json.loads((pytester.path / "report.json").read_text())
    contract.validator("report").validate(report)
    resolver = report["roles"]["resolver"]
    assert resolver["verdict"] == "incomplete"
    assert any(rule["verdict"] == "not-run" for rule in resolver["rules"])


def test_a_killed_run_leaves_no_earlier_report(pytester: pytest.Pytester) -> None:
    child = slow_run(pytester, 300)  # checks that the earlier report is gone while it runs
    os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=60)
    assert not (pytester.path / "report.json").exists()


def test_sigterm_handler_is_put_back_after_the_run(pytester: pytest.Pytester) -> None:
    before = signal.getsignal(signal.SIGTERM)
    run_kit(pytester, *NARROW)
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_run_that_is_not_the_kits_leaves_the_report_alone(pytester: pytest.Pytester) -> None:
    """A project keeping kaizen options in its ini file runs its own tests without losing them."""
    pytester.makeini("[pytest]\nkaizen_report = report.json\nkaizen_reference = true\n")
    pytester.makepyfile(test_own="def test_own():\n    pass\n")
    (pytester.path / "report.json").write_text(EARLIER_GREEN)
    before = signal.getsignal(signal.SIGTERM)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert (pytester.path / "report.json").read_text() == EARLIER_GREEN
    assert signal.getsignal(signal.SIGTERM) is before


def test_rerun_failed_may_name_the_report_the_run_rewrites(kit_pytester: pytest.Pytester) -> None:
    """The stale report is removed as the run starts: its failed rules are read before that."""
    common = (
        "--kaizen-resolver=mutants.resolver.accepts_schedule_yaml:resolve",
        "--kaizen-report=report.json",
    )
    run_kit(kit_pytester, *common, "-k", "test_resolver")
    first = json.loads((kit_pytester.path / "report.json").read_text())
    rerun = run_kit(kit_pytester, *common, "--kaizen-rerun-failed=report.json")
    second = json.loads((kit_pytester.path / "report.json").read_text())
    assert rerun.items and len(second["checks"]) < len(first["checks"])
    assert {r["id"] for r in second["roles"]["resolver"]["rules"] if r["verdict"] == "failed"} == {
        "SCH-006"
    }
    assert all("SCH-006" in check["rules"] for check in second["checks"])
