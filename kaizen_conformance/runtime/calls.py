"""Calling untrusted in-process implementations: bounded in time and memory, never fatal to the run.

Where the platform allows it (Linux, ``os.fork``), each call runs in a child process forked
from the kit at the moment of the call: it sees everything the kit prepared (the imported
implementation, the hub double mounted through respx, the offline guard, redirected
output) and nothing it does reaches back, except what the call returns and what the kit
asks to ``carry`` home. The child gets a memory bound (``RLIMIT_DATA``, the kit's own
memory plus the budget), its own session, and adopts any orphan it leaves (a subreaper);
when the call ends, or at the time limit, the child and every process below it are ended.
A hung call is therefore stopped, not abandoned; a runaway allocation is a ``MemoryError``
inside the child (over-limit), never the machine's OOM killer ending the run.

Each call starts from the same state, the kit's, so calls cannot leak into one another and
the verdict does not depend on the order in which pytest(-xdist) runs the cases; where a check
needs calls to share a process (a second call, as in a long-lived service), ``call_in_sequence``
runs them in one. The child-process machinery is ``runtime.forked``.

Elsewhere (no ``fork``), and for the hub's application (``call_in_thread``: its state must
live from the seed to the reads), a call runs in a daemon thread of the kit: bounded in time
only, and abandoned at the limit; the docs say so.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from kaizen_conformance.runtime import nosockets, zygote
from kaizen_conformance.runtime.call_outcome import CallOutcome, RaisedInCall, Unpicklable
from kaizen_conformance.runtime.forked import calls_in_child

__all__ = [
    "CallOutcome",
    "RaisedInCall",
    "Unpicklable",
    "call_in_sequence",
    "call_in_thread",
    "call_with_limit",
    "isolation_available",
]


def isolation_available() -> bool:
    """Whether in-process calls run in a child process here (Linux with ``fork``)."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def call_with_limit(
    function: Callable[[], Any],
    limit: float,
    label: str,
    *,
    memory_mib: int = 0,
    carry: Sequence[Any] = (),
    deny_sockets: bool = False,
) -> CallOutcome:
    """Call ``function`` bounded by ``limit`` seconds and ``memory_mib`` MiB (0: unbounded).

    ``carry`` lists objects the call fills in for the kit (lists of requests seen, network
    attempts, captured output): in a child process their contents are sent home when the call
    ends and put back into the kit's own objects. The value returned must be picklable.
    ``deny_sockets`` puts the call's process under the socket filter (``runtime.nosockets``).
    """
    (outcome,) = call_in_sequence(
        [function], limit, label, memory_mib=memory_mib, carry=carry, deny_sockets=deny_sockets
    )
    return outcome


def call_in_sequence(
    functions: Sequence[Callable[[], Any]],
    limit: float,
    label: str,
    *,
    memory_mib: int = 0,
    carry: Sequence[Any] = (),
    deny_sockets: bool = False,
    between: Callable[[int], None] | None = None,
) -> list[CallOutcome]:
    """Call each of ``functions`` in turn in one process, each bounded by ``limit`` seconds.

    For the checks that an implementation called again answers alike (PRE-007), or answers the
    world as it is at each call: what a call leaves in the process (a cache, a counter) is there
    for the next, as in a long-lived service. Each call is answered as soon as it returns; one
    that runs past a limit ends the process, and the calls after it are not run (their outcome
    says so). What ``carry`` holds comes home after each call, as it stands then.

    ``between(i)``, when given, runs in the kit's own process after call ``i`` has answered and
    before call ``i + 1`` starts (a sequence case changes the fleet there: files on disk, a hub
    double served from the kit); the calls' process waits meanwhile, keeping all it holds.
    """
    if not isolation_available():
        outcomes = []
        for index, function in enumerate(functions):
            if index and between is not None:
                between(index - 1)
            outcomes.append(call_in_thread(function, limit, label))
        return outcomes
    install = None
    if deny_sockets:
        nosockets.prepare_socket_filter()  # built here: the child only installs it
        install = nosockets.install_socket_filter
    return calls_in_child(functions, limit, memory_mib, carry, install, between, zygote.spawn)


def call_in_thread(function: Callable[[], Any], limit: float, label: str) -> CallOutcome:
    """Run ``function`` in a daemon thread and wait at most ``limit`` seconds.

    A thread cannot be killed; one that runs past the limit is abandoned (daemon threads
    never hold up interpreter exit) and the case fails. Everything the kit itself makes such
    a thread wait on (a stalled hub double) is released at the end of the case.
    """
    outcome = CallOutcome()
    started = time.perf_counter()

    def target() -> None:
        try:
            outcome.value = function()
        except BaseException as exc:  # noqa: BLE001 - an implementation may raise anything
            outcome.error = exc
            outcome.error_text = "".join(traceback.format_exception(exc)).rstrip()

    worker = threading.Thread(target=target, name=f"kaizen-call {label}", daemon=True)
    worker.start()
    worker.join(limit)
    outcome.seconds = time.perf_counter() - started
    if worker.is_alive():
        outcome.timed_out = True
    return outcome


# --------------------------------------------------------------------------- the child
