"""The next cases' implementation calls run while the kit judges the current one.

Most of a conformance run is waiting: the kit materialises a case, sends its call to a process
of its own, and waits for the answer, then judges it. On a machine with more than one core
the call can run while the kit judges the case before it. Before each item, the kit starts
the run of the next case (``Check.ahead``: the role's ``run_of``) on a thread of its own; the
case's checks then find it made, or wait for it, in the session memo
(``CheckContext.remember``). Nothing else changes: the run is the one its checks would have
made themselves (same workspace, limits, isolation), and work that cannot run ahead safely is
left to its check, which makes it as if nothing had run ahead (``runtime.ahead``).

Only in-process roles run ahead (a command's calls fork the kit), never under pytest-xdist
(its workers share the cores already), and never more than ``--kaizen-jobs`` calls at once.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import pytest

from kaizen_conformance.core.checks import CheckContext, NotAhead, NotAheadNow
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.core.stash import CHECK, MEMO, settings_of
from kaizen_conformance.runtime import ahead
from kaizen_conformance.runtime.calls import isolation_available

LOOKAHEAD = pytest.StashKey["Lookahead"]()


def jobs(settings: Settings) -> int:
    """``--kaizen-jobs`` as a number of calls in flight at once.

    ``auto``: one more than the cores this process may use (the kit's own thread is mostly
    waiting on a call, so a core per call plus one keeps both busy), and never more than the
    machine's available memory holds at ``--kaizen-memory`` per call.
    """
    chosen = settings.options.jobs
    if chosen != "auto":
        return int(chosen)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    wanted = cores + 1
    available = available_mib()
    if available is not None and settings.memory_mib:
        wanted = min(wanted, max(1, available // settings.memory_mib))
    return wanted


def available_mib() -> int | None:
    """``MemAvailable`` of ``/proc/meminfo`` in MiB; None where the machine does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        return None
    return None


@dataclass(frozen=True)
class _RequestStandIn:
    """What a run made ahead may ask of its request: the config and session, never a fixture."""

    config: pytest.Config
    session: pytest.Session

    def getfixturevalue(self, name: str) -> Any:
        raise NotAhead(f"the fixture {name!r} is not reached from the lookahead thread")


class Lookahead:
    """Keeps up to ``depth`` cases' runs going ahead of the item being judged."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.pool = ThreadPoolExecutor(max_workers=depth, thread_name_prefix="kaizen-lookahead")
        self.started: set[tuple[str, str]] = set()
        self.refused: set[str] = set()  # roles whose runs cannot run ahead
        self.cancel = threading.Event()
        self.running: deque[tuple[int, Future[bool]]] = deque()  # (index of the first item, job)
        self.position: dict[int, int] | None = None
        self.scanned = 0
        self.reached = -1  # the index of the item the kit's own thread is at
        self.items: list[pytest.Item] = []
        self.context: CheckContext | None = None
        # before() on the kit's thread and learn() on the lookahead's both start runs; learn()
        # may run inside fill() itself (a job done before its callback is added)
        self.lock = threading.RLock()

    def before(self, request: pytest.FixtureRequest) -> None:
        """Before ``request``'s item is judged: start the next cases' runs, up to ``depth``."""
        items = request.session.items
        if self.position is None:
            self.position = {id(item): index for index, item in enumerate(items)}
        index = self.position.get(id(request.node))
        if index is None:
            return
        if self.context is None:
            factory = request.getfixturevalue("tmp_path_factory")
            factory.getbasetemp()  # made here, once: making it is not thread-safe
            stand_in = _RequestStandIn(request.config, request.session)
            self.context = CheckContext(
                request=cast(pytest.FixtureRequest, stand_in),
                settings=settings_of(request.config),
                memo=request.config.stash[MEMO],
                ahead=True,
                factory=factory,
            )
        current = request.node.stash.get(CHECK, None)
        with self.lock:
            if current is not None:
                self.started.add((current.role, current.case))  # judged now: too late for it
            self.items = items
            self.reached = index
            self.fill()

    def fill(self) -> None:
        """Start runs of the cases after the one being judged, until ``depth`` are going.

        Called before each item and whenever a run ends, so that a run that ends while the
        kit's own thread waits for another is followed at once by the next (lock held)."""
        assert self.context is not None
        self.running = deque(
            (first, job)
            for first, job in self.running
            if first > self.reached and not job.done()  # reached, or done: no longer ahead
        )
        self.scanned = max(self.scanned, self.reached + 1)
        while len(self.running) < self.depth and self.scanned < len(self.items):
            if self.cancel.is_set():
                return
            position = self.scanned
            self.scanned += 1
            check = self.items[position].stash.get(CHECK, None)
            if check is not None and check.ahead is not None:
                key = (check.role, check.case)
                if key not in self.started and self.may_run_ahead(check.role):
                    self.started.add(key)
                    job = self.pool.submit(_run_ahead, check.ahead, self.context, self.cancel)
                    self.running.append((position, job))
                    # a job done already calls learn (and so fill) here, on this thread
                    job.add_done_callback(partial(self.learn, check.role))

    def may_run_ahead(self, role: str) -> bool:
        assert self.context is not None
        return role not in self.refused and self.context.settings.is_callable(role)

    def learn(self, role: str, job: Future[bool]) -> None:
        """A run ended: start the next. A role whose run could not run ahead (its calls do not
        travel to the zygote: a closure, no zygote here) is not tried again: each try costs a
        materialisation."""
        with self.lock:
            if not job.cancelled() and not job.result():
                self.refused.add(role)
            if self.cancel.is_set():
                return
            with contextlib.suppress(RuntimeError):  # the pool is shutting down
                self.fill()

    def close(self) -> None:
        """Stop the runs still going (a run stopped early: ``-x``, Ctrl-C, SIGTERM) and end
        the thread; their calls are stopped as at their limit, within a second."""
        self.cancel.set()
        self.pool.shutdown(wait=True, cancel_futures=True)


def _run_ahead(run: Any, context: CheckContext, cancel: threading.Event) -> bool:
    """Make the run; False when its role cannot run ahead (``NotAhead``: its calls fork the
    kit), True when it ran or cannot run ahead this once (``NotAheadNow``)."""
    with ahead.running_ahead(cancel):
        try:
            run(context)
        except NotAheadNow:
            return True
        except NotAhead:
            return False
        except BaseException:  # noqa: BLE001 - its check raises it again, making the run itself
            pass
    return True


def start(config: pytest.Config) -> None:
    """Run calls ahead in this session where it helps and is safe (see the module's docstring)."""
    settings = settings_of(config)
    depth = jobs(settings) - 1
    if depth < 1 or hasattr(config, "workerinput") or not isolation_available():
        return
    if not any(settings.is_callable(role) for role in settings.targets):
        return
    config.stash[LOOKAHEAD] = Lookahead(depth)


def before(request: pytest.FixtureRequest) -> None:
    lookahead = request.config.stash.get(LOOKAHEAD, None)
    if lookahead is not None:
        lookahead.before(request)


def finish(config: pytest.Config) -> None:
    lookahead = config.stash.get(LOOKAHEAD, None)
    if lookahead is not None:
        del config.stash[LOOKAHEAD]
        lookahead.close()
