"""Process trees of untrusted calls: find every descendant, and end them all.

A command (or an in-process call run in a child process) may start processes of its own, and
a daemon that double-forks and calls ``setsid`` leaves both the call's process group and its
parent. On Linux the process that runs the call is made a *child subreaper*
(``PR_SET_CHILD_SUBREAPER``): an orphan below it is re-parented to it, never to init, so
walking its children from ``/proc`` finds every process the call left behind, whatever
session or group it moved to. Elsewhere only the process group can be reached; the docs say so.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import sys
import time
from functools import lru_cache
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>
KILL_ROUNDS = 20  # a fork bomb races the walk; each round stops what it finds before killing


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        # the C library the interpreter already runs on: no search (find_library runs ldconfig)
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def libc() -> ctypes.CDLL | None:
    """The C library this interpreter runs on (Linux), for ``prctl``; None elsewhere."""
    return _libc()


PR_SET_NAME = 15  # <linux/prctl.h>


def name_this_process(name: str) -> None:
    """Give this process a name ``ps`` and ``top`` show (Linux; at most 15 bytes)."""
    library = _libc()
    if library is not None:
        library.prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)


def become_subreaper() -> bool:
    """Make this process adopt its orphaned descendants (Linux); whether that took effect."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)


def tree_reachable() -> bool:
    """Whether every descendant can be found and ended here, not only the process group."""
    return _libc() is not None and Path("/proc/self/stat").exists()


def children(pid: int) -> list[int]:
    """The direct children of ``pid``, from ``/proc`` (empty where ``/proc`` says nothing)."""
    found: list[int] = []
    tasks = Path(f"/proc/{pid}/task")
    try:
        threads = list(tasks.iterdir())
    except OSError:
        return found
    listed = False
    for thread in threads:
        try:
            text = (thread / "children").read_text()
        except OSError:
            continue
        listed = True
        found.extend(int(word) for word in text.split())
    if not listed:  # a kernel without CONFIG_PROC_CHILDREN: read every process's parent
        found = [child for child, parent in _parents().items() if parent == pid]
    return found


def _parents() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses; split after the last ')'
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1:
            parents[int(entry.name)] = int(fields[1])
    return parents


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie has ended; only its parent's wait remains)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :][:1] not in ("Z", "X")


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid``, parents before their children."""
    found: list[int] = []
    frontier = [pid]
    while frontier:
        below = [child for parent in frontier for child in children(parent) if _alive(child)]
        found.extend(below)
        frontier = below
    return found


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


def end_descendants(pid: int, *, reap: bool = False) -> int:
    """Stop, then kill, every process below ``pid``; returns how many were found.

    Stopping first keeps a process from starting new ones while the tree is walked; the walk
    repeats until it finds nothing (bounded, for a fork bomb). ``reap`` collects the dead when
    this process is ``pid`` itself, their subreaper (never in the kit's own process, whose
    other children are not the kit's to wait for).
    """
    killed: list[int] = []
    for _ in range(KILL_ROUNDS):
        below = descendants(pid)
        if not below:
            break
        for child in below:
            _signal(child, signal.SIGSTOP)
        for child in below:
            _signal(child, signal.SIGKILL)
        killed.extend(below)
        if reap:
            reap_children()
    if reap and killed:
        _reap_killed(killed)
    return len(killed)


REAP_GRACE = 1.0  # seconds a process killed with SIGKILL has to die and be collected


def _reap_killed(killed: list[int]) -> None:
    """Collect the processes just killed, once they have died.

    A SIGKILL takes effect when its process next runs: collected at once, one may not have
    died yet, and a zombie is no longer found among the descendants; left uncollected when
    this process exits, it would be handed to init, which need not collect it promptly.
    """
    deadline = time.perf_counter() + REAP_GRACE
    while True:
        reap_children()
        if not any(Path(f"/proc/{pid}").exists() for pid in killed):
            return
        if time.perf_counter() >= deadline:
            return
        time.sleep(0.001)


def reap_children() -> None:
    """Collect every exited child of this process (orphans adopted as a subreaper included)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def end_tree(pid: int) -> None:
    """End ``pid`` and everything below it (its process group too), without waiting for it."""
    _signal(pid, signal.SIGSTOP)
    if tree_reachable():
        end_descendants(pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    _signal(pid, signal.SIGKILL)


def collect(pid: int, grace: float = 5.0) -> None:
    """Wait for a child of this process that has done its work; end it if it lingers past ``grace``."""
    deadline = time.perf_counter() + grace
    while time.perf_counter() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        time.sleep(0.001)
    end_tree(pid)
    os.waitpid(pid, 0)


def wait_gone(pid: int, grace: float = 5.0) -> None:
    """Wait until ``pid``, a process another process reaps, has ended (bounded by ``grace``)."""
    deadline = time.perf_counter() + grace
    while _alive(pid) and time.perf_counter() < deadline:
        time.sleep(0.001)


# Children that have answered and are exiting: collected without waiting for them (an exit
# tears down a copy of the kit's address space, milliseconds the next call need not wait for).
_EXITING: dict[int, float] = {}


def collect_later(pid: int, grace: float = 5.0) -> None:
    """Collect ``pid`` once it has exited; end it if it still runs ``grace`` seconds from now."""
    _EXITING[pid] = time.perf_counter() + grace
    collect_exited()


def collect_exited(wait: bool = False) -> None:
    """Collect every child left to exit that has; end those past their grace (all, if ``wait``)."""
    now = time.perf_counter()
    for pid, deadline in list(_EXITING.items()):
        try:
            done, _ = os.waitpid(pid, 0 if wait and now >= deadline else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if not done and (wait or now >= deadline):
            end_tree(pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            done = pid
        if done:
            _EXITING.pop(pid, None)  # the lookahead thread may have collected it first


atexit.register(collect_exited, wait=True)
