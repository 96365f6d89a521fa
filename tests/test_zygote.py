"""The zygote: in-process calls forked from a small pristine process, not from the kit.

Both roads (zygote, and the kit forking a call that does not pickle) must behave alike; these
tests pin what differs in how, never in what the kit sees.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kaizen_conformance.runtime import calls, zygote

pytestmark = pytest.mark.skipif(
    not (calls.isolation_available() and zygote.zygote_available()),
    reason="the zygote runs on Linux only",
)


def parent_pid() -> int:
    return os.getppid()


def imports_lazily() -> bool:
    """Imports a module inside the call; says whether the process already had it."""
    had = "email.mime.text" in sys.modules
    import email.mime.text  # noqa: F401 - imported for the test

    return had


def test_a_call_that_pickles_is_forked_by_the_zygote_and_one_that_does_not_by_the_kit() -> None:
    by_zygote = calls.call_with_limit(parent_pid, 10.0, "zygote")
    by_kit = calls.call_with_limit(lambda: os.getppid(), 10.0, "closure")
    assert by_kit.value == os.getpid()
    assert by_zygote.value == zygote.current().process.pid != os.getpid()


def test_a_call_that_pickles_but_does_not_load_in_the_zygote_is_forked_by_the_kit() -> None:
    """A function of a module only the kit has (made at run time) pickles by name; the zygote
    cannot import it, refuses it, and the kit forks the call itself: same outcome, other road."""
    import types

    module = types.ModuleType("kaizen_test_only_in_the_kit")
    exec("import os\ndef parent():\n    return os.getppid()\n", module.__dict__)
    sys.modules[module.__name__] = module
    try:
        outcome = calls.call_with_limit(module.parent, 10.0, "not in the zygote")
    finally:
        del sys.modules[module.__name__]
    assert outcome.error is None and outcome.value == os.getpid()
    assert zygote.current().running  # the zygote goes on: only this call took the other road


def test_what_a_call_imported_is_in_the_zygote_before_the_next_call() -> None:
    if "email.mime.text" in sys.modules:
        pytest.skip("this process already imported the module the test watches")
    first = calls.call_with_limit(imports_lazily, 10.0, "first")
    second = calls.call_with_limit(imports_lazily, 10.0, "second")
    assert (first.value, second.value) == (False, True)
    assert "email.mime.text" not in sys.modules  # the kit's own process never imported it


def test_the_call_sees_the_kits_environment_and_directory_at_the_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls.call_with_limit(parent_pid, 10.0, "start the zygote first")
    monkeypatch.setenv("KAIZEN_TEST_AT_CALL", "seen")
    monkeypatch.chdir(tmp_path)
    outcome = calls.call_with_limit(
        functools.partial(os.environ.get, "KAIZEN_TEST_AT_CALL"), 10.0, "env"
    )
    here = calls.call_with_limit(os.getcwd, 10.0, "cwd")
    assert (outcome.value, here.value) == ("seen", str(tmp_path))


def test_each_call_has_the_kits_environment_as_it_is_then_set_removed_and_set_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The zygote tells a spare forked before a change to take the kit's environment, and takes
    it itself for the spares after: every step is seen, none is left behind."""
    seen = functools.partial(os.environ.get, "KAIZEN_TEST_STEPS")
    calls.call_with_limit(parent_pid, 10.0, "start the zygote first")
    values = []
    for value in ("one", None, None, "two", "two"):
        if value is None:
            monkeypatch.delenv("KAIZEN_TEST_STEPS", raising=False)
        else:
            monkeypatch.setenv("KAIZEN_TEST_STEPS", value)
        values.append(calls.call_with_limit(seen, 10.0, "env step").value)
    assert values == ["one", None, None, "two", "two"]


def test_the_modules_a_call_imported_are_named_and_none_it_did_not() -> None:
    from kaizen_conformance.runtime import forked

    count = len(sys.modules)
    assert forked._imported_since(count) == []
    sys.modules["kaizen_test_imported_here"] = sys  # as an import adds it: at the end
    try:
        assert forked._imported_since(count) == ["kaizen_test_imported_here"]
    finally:
        del sys.modules["kaizen_test_imported_here"]


def test_a_hung_call_forked_by_the_zygote_is_stopped_and_leaves_nothing() -> None:
    started = time.perf_counter()
    outcome = calls.call_with_limit(functools.partial(time.sleep, 60), 1.0, "hangs")
    assert outcome.timed_out and time.perf_counter() - started < 10
    assert zygote.current().running  # the zygote itself is untouched


ENDS_WITHOUT_STOPPING = """\
import functools, os, sys, time
from kaizen_conformance.runtime import calls, zygote
calls.call_with_limit(functools.partial(time.sleep, 0), 10.0, "start")
print(zygote.current().process.pid, flush=True)
os._exit(0)  # no atexit: only PR_SET_PDEATHSIG ends the zygote
"""


def test_the_zygote_ends_with_the_kit_even_when_the_kit_is_killed() -> None:
    run = subprocess.run(
        [sys.executable, "-c", ENDS_WITHOUT_STOPPING], capture_output=True, text=True, timeout=60
    )
    pid = int(run.stdout.split()[0])
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), f"the zygote {pid} outlived the kit"


def test_without_the_zygote_every_call_is_forked_by_the_kit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(zygote.NO_ZYGOTE_ENV, "1")
    assert calls.call_with_limit(parent_pid, 10.0, "kit").value == os.getpid()


def test_both_roads_give_the_same_outcome_on_every_item(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The zygote changes how a call's process starts, never what the kit sees of the call
    (a resolver that fails some items, so that both outcomes are compared)."""
    from kitrun import run_kit

    resolver = "mutants.resolver.file_exists_is_enough:resolve"
    args = (f"--kaizen-resolver={resolver}", "--kaizen-resolver-profile=v2")
    by_zygote = run_kit(kit_pytester, *args)
    monkeypatch.setenv(zygote.NO_ZYGOTE_ENV, "1")
    by_kit = run_kit(kit_pytester, *args)
    outcomes = {item.name: item.outcome for item in by_zygote.items}
    assert "failed" in outcomes.values() and "passed" in outcomes.values()
    assert outcomes == {item.name: item.outcome for item in by_kit.items}
