"""The kit's own thread that runs implementation calls ahead, and what keeps it safe.

While the kit judges one case on its main thread, one thread of its own materialises the next
case and waits on its call, whose process runs on another core (``session.lookahead``). The
call's process is forked by the zygote (``runtime.zygote``), never by the kit: a fork copies
only the thread that forks, with every lock another thread held at that moment still held in
the child, which would then hang on it. So the kit never forks while work runs ahead: a fork
on the main thread (a call the zygote cannot take, a command's warden) first waits for the
lookahead to finish its job, and work running ahead that would fork is left to its check
(``NotAhead``), which runs it on the main thread as if nothing had run ahead.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from kaizen_conformance.core.checks import NotAhead

_THIS_THREAD = threading.local()
_IDLE = threading.Condition()
_running = 0
_forks_waiting = 0  # forks on the kit's own thread, between before_fork and after_fork


def running_ahead_here() -> bool:
    """Whether this thread is running work ahead of its check."""
    return getattr(_THIS_THREAD, "cancel", None) is not None


def cancelled() -> bool:
    """Whether the work this thread runs ahead is no longer wanted (the run is ending)."""
    cancel: threading.Event | None = getattr(_THIS_THREAD, "cancel", None)
    return cancel is not None and cancel.is_set()


@contextmanager
def running_ahead(cancel: threading.Event) -> Iterator[None]:
    """Mark the work in the block as run ahead: the kit's forks wait for it to end. Once
    ``cancel`` is set, a call it waits on is stopped as at its time limit."""
    global _running
    with _IDLE:
        _IDLE.wait_for(lambda: _forks_waiting == 0)  # a fork the kit waits to make goes first
        _running += 1
    _THIS_THREAD.cancel = cancel
    try:
        yield
    finally:
        _THIS_THREAD.cancel = None
        with _IDLE:
            _running -= 1
            _IDLE.notify_all()


def before_fork() -> None:
    """Called before the kit forks: refused on the lookahead thread; elsewhere it waits until
    no work runs ahead (that work never waits on the main thread, so this wait ends), and no
    new work starts ahead until ``after_fork``: a lookahead that starts the next run as soon
    as one ends would otherwise keep the fork waiting, or start during it."""
    global _forks_waiting
    if running_ahead_here():
        raise NotAhead("this call would fork the kit; it runs when its check does")
    with _IDLE:
        _forks_waiting += 1
        try:
            _IDLE.wait_for(lambda: _running == 0)
        except BaseException:  # interrupted (Ctrl-C): no fork, and the lookahead goes on
            _forks_waiting -= 1
            _IDLE.notify_all()
            raise


def after_fork() -> None:
    """Called in the kit (never in the child) once the fork ``before_fork`` announced is made,
    or given up: work may run ahead again."""
    global _forks_waiting
    with _IDLE:
        _forks_waiting -= 1
        _IDLE.notify_all()
