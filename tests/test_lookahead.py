"""Calls run ahead of their checks (``--kaizen-jobs``): the same verdicts, nothing left behind.

The lookahead changes when a case's implementation run is made, never what the kit sees of it:
a run with calls ahead and a run with one call at a time judge every item alike. Its thread
never waits on the kit's own thread, the kit never forks while work runs ahead, and a run
stopped early still ends every call it started.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from kaizen_conformance.core.checks import CheckContext, NotAhead
from kaizen_conformance.runtime import ahead


def context(memo: dict[Any, Any], *, running_ahead: bool = False) -> CheckContext:
    return CheckContext(request=None, settings=None, memo=memo, ahead=running_ahead)  # type: ignore[arg-type]


def test_calls_ahead_give_every_item_the_outcome_of_one_call_at_a_time(
    kit_pytester: pytest.Pytester,
) -> None:
    """Mutants of four roles that fail some items each, and the reference for init."""
    from kitrun import run_kit

    args = (
        "--kaizen-resolver=mutants.resolver.file_exists_is_enough:resolve",
        "--kaizen-list=mutants.list.enabled_left_null:list_agents",
        "--kaizen-prepare=mutants.prepare.absolute_paths:prepare",
        "--kaizen-validate=mutants.validate.accepts_version_true:validate",
        "--kaizen-init=kaizen_conformance.reference.manifest_tools:init",
    )
    ahead_run = run_kit(kit_pytester, *args, "--kaizen-jobs=4")
    one_at_a_time = run_kit(kit_pytester, *args, "--kaizen-jobs=1")
    outcomes = {item.name: (item.outcome, item.kind) for item in ahead_run.items}
    assert {outcome for outcome, _ in outcomes.values()} >= {"passed", "failed"}
    assert len(outcomes) > 1000
    assert outcomes == {item.name: (item.outcome, item.kind) for item in one_at_a_time.items}


SLOW_RESOLVER = """
import os, time

def resolve(hub_url, hostname, domain=None):
    with open(os.environ["KAIZEN_TEST_PIDS"], "a") as pids:
        pids.write(f"{os.getpid()}\\n")
    time.sleep(60)
"""


def test_a_run_stopped_early_ends_every_call_it_started_ahead(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-x`` stops at the first item, over its limit; the cases started ahead are ended too."""
    pytester.makepyfile(slow_resolver=SLOW_RESOLVER)
    pids = tmp_path / "pids"
    monkeypatch.setenv("KAIZEN_TEST_PIDS", str(pids))
    monkeypatch.setenv("PYTHONPATH", str(pytester.path))
    started = time.monotonic()
    result = pytester.runpytest_subprocess(
        "--pyargs",
        "kaizen_conformance",
        "-p",
        "no:cacheprovider",
        "-x",
        "--kaizen-resolver=slow_resolver:resolve",
        "--kaizen-timeout=1",
        "--kaizen-jobs=4",
        timeout=120,
    )
    assert result.ret == 1
    assert time.monotonic() - started < 60  # no call was waited for to its own end
    called = [int(line) for line in pids.read_text().split()]
    assert len(called) > 1, "calls ran ahead of the first item"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(pid) for pid in called):
        time.sleep(0.05)
    assert not [pid for pid in called if alive(pid)]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_key_being_computed_on_another_thread_is_waited_for_and_made_once() -> None:
    memo: dict[Any, Any] = {}
    made = []
    started = threading.Event()

    def slowly() -> str:
        started.set()
        time.sleep(0.2)
        made.append(1)
        return "run"

    first = threading.Thread(target=lambda: context(memo).remember("case", slowly))
    first.start()
    started.wait(5)
    assert context(memo).remember("case", lambda: "made twice") == "run"
    first.join()
    assert made == [1]


def test_work_ahead_never_waits_on_a_key_the_kit_is_computing() -> None:
    memo: dict[Any, Any] = {}
    started, release = threading.Event(), threading.Event()

    def held() -> str:
        started.set()
        release.wait(5)
        return "run"

    first = threading.Thread(target=lambda: context(memo).remember("case", held))
    first.start()
    started.wait(5)
    try:
        with pytest.raises(NotAhead):
            context(memo, running_ahead=True).remember("case", lambda: "made twice")
    finally:
        release.set()
        first.join()
    assert memo == {"case": "run"}


def test_a_run_that_raised_on_another_thread_is_made_again_by_the_one_waiting() -> None:
    memo: dict[Any, Any] = {}
    started = threading.Event()

    def fails() -> str:
        started.set()
        time.sleep(0.1)
        raise RuntimeError("the first try failed")

    errors = []

    def first_try() -> None:
        try:
            context(memo).remember("case", fails)
        except RuntimeError as exc:
            errors.append(exc)

    first = threading.Thread(target=first_try)
    first.start()
    started.wait(5)
    assert context(memo).remember("case", lambda: "second try") == "second try"
    first.join()
    assert len(errors) == 1


def test_the_kit_never_forks_while_work_runs_ahead() -> None:
    """On the lookahead thread a fork is refused; elsewhere it waits for the work to end."""
    with ahead.running_ahead(threading.Event()), pytest.raises(NotAhead):
        ahead.before_fork()
    inside, leave = threading.Event(), threading.Event()

    def work_ahead() -> None:
        with ahead.running_ahead(threading.Event()):
            inside.set()
            leave.wait(5)

    worker = threading.Thread(target=work_ahead)
    worker.start()
    inside.wait(5)
    threading.Timer(0.2, leave.set).start()
    began = time.monotonic()
    ahead.before_fork()
    assert time.monotonic() - began >= 0.15
    ahead.after_fork()
    worker.join()


def test_no_work_starts_ahead_while_a_fork_waits_to_be_made() -> None:
    """Between before_fork and after_fork, work that would run ahead waits: the lookahead
    starts the next run as soon as one ends, and must neither delay a fork nor run during it."""
    ahead.before_fork()
    started = threading.Event()

    def work_ahead() -> None:
        with ahead.running_ahead(threading.Event()):
            started.set()

    worker = threading.Thread(target=work_ahead)
    try:
        worker.start()
        assert not started.wait(0.3)
    finally:
        ahead.after_fork()
    assert started.wait(5)
    worker.join()


def test_a_fork_given_up_while_waiting_lets_work_run_ahead_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C while the kit waits to fork: no fork is made, and the gate it raised falls again
    (else the lookahead would wait for it forever, and the session's end with it)."""

    def interrupted(predicate: object, timeout: float | None = None) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(ahead._IDLE, "wait_for", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ahead.before_fork()
    monkeypatch.undo()
    started = threading.Event()

    def work_ahead() -> None:
        with ahead.running_ahead(threading.Event()):
            started.set()

    worker = threading.Thread(target=work_ahead, daemon=True)
    worker.start()
    assert started.wait(5)
    worker.join(5)


@pytest.mark.parametrize("value", ["0", "65", "two", ""])
def test_a_jobs_value_out_of_range_names_the_option(pytester: pytest.Pytester, value: str) -> None:
    result = pytester.runpytest_subprocess(
        "--pyargs", "kaizen_conformance", "--kaizen-reference", f"--kaizen-jobs={value}"
    )
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*--kaizen-jobs*calls at once between 1 and 64*"])


def test_the_jobs_are_bounded_by_the_memory_the_machine_has(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kaizen_conformance.core.settings import OptionValues, Settings
    from kaizen_conformance.session import lookahead

    settings = Settings({}, {}, 15.0, False, "respx", Path("."), memory_mib=2048)
    settings.options = OptionValues.from_table({"jobs": "auto"})
    monkeypatch.setattr(lookahead, "available_mib", lambda: 3000)
    assert lookahead.jobs(settings) == 1
    monkeypatch.setattr(lookahead, "available_mib", lambda: 1 << 20)
    assert lookahead.jobs(settings) == len(os.sched_getaffinity(0)) + 1
    settings.options = OptionValues.from_table({"jobs": "3"})
    assert lookahead.jobs(settings) == 3


def test_runs_that_cannot_run_ahead_are_left_to_their_checks_with_nothing_left_open(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the zygote every call forks the kit, which work ahead never does: each case's
    run is made by its own checks, and the tries leave no descriptor open."""
    from kitrun import run_kit

    from kaizen_conformance.runtime import zygote

    monkeypatch.setenv(zygote.NO_ZYGOTE_ENV, "1")
    validate = "--kaizen-validate=kaizen_conformance.reference.manifest_tools:validate"
    run_kit(kit_pytester, validate, "--kaizen-jobs=4", "-k", "SCH-001")  # warm: imports, caches
    before = len(os.listdir("/proc/self/fd"))
    run = run_kit(kit_pytester, validate, "--kaizen-jobs=4", "-k", "SCH-001 or SCH-002")
    assert {item.outcome for item in run.items} == {"passed"}
    assert len(os.listdir("/proc/self/fd")) <= before
