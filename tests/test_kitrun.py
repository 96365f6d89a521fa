"""The kit's own test runner: a child run that hangs is killed with its process group."""

from __future__ import annotations

import os
import time

import pytest
from kitrun import ChildTimeout, run_bounded


def test_a_hanging_child_run_is_killed_with_everything_it_started(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
import subprocess, sys, threading, time

def pytest_configure(config):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    with open("grandchild.pid", "w") as log:
        log.write(str(child.pid))
    threading.Thread(target=time.sleep, args=(120,)).start()  # not a daemon: holds up exit
"""
    )
    pytester.makepyfile(test_quick="def test_quick():\n    pass\n")
    started = time.monotonic()
    with pytest.raises(ChildTimeout, match="killed with its process group"):
        run_bounded(pytester, ["-p", "no:cacheprovider"], limit=5)
    assert time.monotonic() - started < 60
    grandchild = int((pytester.path / "grandchild.pid").read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            return
        # a killed child may linger as a zombie until its parent is reaped: it is gone if so
        try:
            with open(f"/proc/{grandchild}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return
        except FileNotFoundError:
            return
        time.sleep(0.1)
    pytest.fail(f"process {grandchild}, started by the child run, outlived it")
