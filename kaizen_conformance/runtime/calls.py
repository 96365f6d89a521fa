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
the verdict does not depend on the order in which pytest(-xdist) runs the cases.

Elsewhere (no ``fork``), and for the hub's application (``call_in_thread``: its state must
live from the seed to the reads), a call runs in a daemon thread of the kit: bounded in time
only, and abandoned at the limit; the docs say so.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import select
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kaizen_conformance.runtime import nosockets, processes

MIB = 1 << 20
EXIT_GRACE = 5.0  # seconds the kit waits for a child that has answered to end itself
STOPPED = signal.SIGUSR1  # at the limit: send home what you carry, then exit
STOP_GRACE = 0.5  # seconds a call stopped at the limit has to send what it carries


@dataclass
class CallOutcome:
    """What one call did: returned ``value``, raised ``error``, or ran past a limit."""

    value: Any = None
    error: BaseException | None = None
    error_text: str = ""
    timed_out: bool = False
    seconds: float = 0.0
    over_memory: bool = False  # it needed more than the memory budget (``memory_mib``)
    memory_mib: int = 0  # the budget it ran under; 0 when unbounded (a thread)
    isolated: bool = False  # it ran in a child process (else a thread of the kit)

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def error_type(self) -> str:
        """The name of the exception's type (of the original, where a stand-in came home)."""
        if self.error is None:
            return ""
        return str(getattr(self.error, "type_name", "") or type(self.error).__name__)

    @property
    def over_limit(self) -> bool:
        return self.timed_out or self.over_memory

    def limit_text(self, seconds: float, origin: str) -> str:
        """Which limit the call ran past, for failure messages."""
        if self.over_memory:
            return (
                f"ran out of its memory budget of {self.memory_mib} MiB (--kaizen-memory): "
                "the call was stopped"
            )
        ended = "stopped" if self.isolated else "abandoned (a thread cannot be killed)"
        return f"did not return within the per-call limit of {seconds:g} s ({origin}); the call was {ended}"


class RaisedInCall(Exception):
    """Stands for an exception that could not be carried out of the call's process as itself.

    ``type_name`` is the name of the type it stands for, which messages quote.
    """

    def __init__(self, message: str, type_name: str = "") -> None:
        super().__init__(message)
        self.type_name = type_name or type(self).__name__

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.type_name))


class Unpicklable:
    """Stands for a returned value that could not leave the call's process (a generator, a lambda).

    The role judges it as what it is not (not a list, not a mapping), and its ``repr`` is the
    original's, so the failure message quotes what the implementation returned.
    """

    def __init__(self, text: str, type_name: str, why: str) -> None:
        self.text, self.type_name, self.why = text, type_name, why

    def __repr__(self) -> str:
        return self.text


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
    if not isolation_available():
        return call_in_thread(function, limit, label)
    install = None
    if deny_sockets:
        nosockets.prepare_socket_filter()  # built here: the child only installs it
        install = nosockets.install_socket_filter
    return _call_in_child(function, limit, memory_mib, carry, install)


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


def _state_of(thing: Any) -> Any:
    return list(thing) if isinstance(thing, list) else dict(vars(thing))


def _restore(thing: Any, state: Any) -> None:
    if isinstance(thing, list):
        thing[:] = state
    else:
        vars(thing).update(state)


def _memory_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, MemoryError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _portable(exc: BaseException) -> BaseException:
    """``exc`` itself when it survives pickling, else a stand-in with its type's name and text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any exception type an implementation defines
        return RaisedInCall(str(exc), type(exc).__name__)


def _data_bytes() -> int:
    """This process's data segment now (``VmData``): the base the memory budget adds to."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(
    function: Callable[[], Any],
    answer: int,
    memory_mib: int,
    carry: Sequence[Any],
    install: Callable[[], None] | None,
) -> None:
    """The call's process: run, answer through ``answer``, end everything below, exit.

    At the time limit the kit first sends ``STOPPED`` (SIGUSR1): a call blocked in Python (on a
    stalled hub, a sleep) then sends home what the kit asked it to carry, so that a hung call's
    messages still say what it did (the requests it sent), before it is ended.
    """
    status = 0
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]

    def send(payload: dict[str, Any]) -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (hard, hard))  # room to answer
        for stream in (sys.stdout, sys.stderr):  # what it printed reaches the kit's capture
            with contextlib.suppress(Exception):
                stream.flush()
        payload["carried"] = [_state_of(thing) for thing in carry]
        data = _pickled(payload)
        view = memoryview(data)
        while view:
            written = os.write(answer, view)
            view = view[written:]

    def stopped(signum: int, frame: Any) -> None:
        with contextlib.suppress(BaseException):
            send({"stopped": True})
        with contextlib.suppress(BaseException):
            processes.end_descendants(os.getpid(), reap=True)
        os._exit(0)

    try:
        signal.signal(STOPPED, stopped)
        os.setsid()
        processes.become_subreaper()
        if memory_mib:
            budget = _data_bytes() + memory_mib * MIB
            if hard == resource.RLIM_INFINITY or budget < hard:
                resource.setrlimit(resource.RLIMIT_DATA, (budget, hard))
        if install is not None:
            install()
        payload: dict[str, Any]
        try:
            payload = {"value": function()}
        except BaseException as exc:  # noqa: BLE001 - an implementation may raise anything
            payload = {
                "error": exc,
                "error_text": "".join(traceback.format_exception(exc)).rstrip(),
                "over_memory": _memory_error(exc),
            }
        signal.signal(STOPPED, signal.SIG_IGN)  # answering now: the answer is what comes home
        send(payload)
    except BaseException:  # noqa: BLE001 - the child must reach os._exit, whatever happened
        status = 70
    finally:
        with contextlib.suppress(BaseException):
            processes.end_descendants(os.getpid(), reap=True)
        os._exit(status)


def _plain(value: Any, depth: int = 0) -> Any:
    """``value`` as plain containers (a mapping proxy, a custom Mapping or tuple), for pickling."""
    if depth > 100:
        return value
    if isinstance(value, Mapping):
        return {key: _plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item, depth + 1) for item in value]
    return value


def _pickled(payload: dict[str, Any]) -> bytes:
    if "error" in payload:
        payload["error"] = _portable(payload["error"])
    try:
        return pickle.dumps(payload)
    except Exception as exc:
        if "value" not in payload:  # what the carried objects hold is the kit's own: plain data
            raise
        with contextlib.suppress(Exception):
            return pickle.dumps({**payload, "value": _plain(payload["value"])})
        value = payload["value"]
        stand_in = Unpicklable(
            f"{value!r:.500}", type(value).__name__, f"{type(exc).__name__}: {exc}"
        )
        return pickle.dumps({**payload, "value": stand_in})


def _fork() -> int:
    with warnings.catch_warnings():
        # Python 3.12+ warns on fork() in a threaded process; the child runs only the call.
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


def _call_in_child(
    function: Callable[[], Any],
    limit: float,
    memory_mib: int,
    carry: Sequence[Any],
    install: Callable[[], None] | None,
) -> CallOutcome:
    outcome = CallOutcome(memory_mib=memory_mib, isolated=True)
    started = time.perf_counter()
    read_end, write_end = os.pipe()
    pid = _fork()
    if pid == 0:
        os.close(read_end)
        _child(function, write_end, memory_mib, carry, install)
    os.close(write_end)
    received = bytearray()
    try:
        outcome.timed_out = not _read_until_eof(read_end, received, started + limit)
        if outcome.timed_out:  # ask for what it carries, briefly, then end it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, STOPPED)
            if not _read_until_eof(read_end, received, time.perf_counter() + STOP_GRACE):
                received.clear()
    finally:
        os.close(read_end)
        if outcome.timed_out:
            processes.end_tree(pid)
        processes.collect(pid, EXIT_GRACE)
    outcome.seconds = time.perf_counter() - started
    if outcome.timed_out:
        _carry_home(bytes(received), carry)
        return outcome
    _unpack(bytes(received), outcome, carry)
    return outcome


def _carry_home(data: bytes, carry: Sequence[Any]) -> None:
    """What a call stopped at the limit carried, when it could still send it."""
    with contextlib.suppress(Exception):
        payload = pickle.loads(data)
        for thing, state in zip(carry, payload.get("carried", []), strict=False):
            _restore(thing, state)


def _read_until_eof(fd: int, into: bytearray, deadline: float) -> bool:
    """Read ``fd`` to its end; False when ``deadline`` came first."""
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        block = os.read(fd, 1 << 20)
        if not block:
            return True
        into.extend(block)


def _unpack(data: bytes, outcome: CallOutcome, carry: Sequence[Any]) -> None:
    if not data:
        outcome.error = RaisedInCall(
            "the call's process ended without an answer (the implementation ended its own "
            "process: os._exit, a signal, or a crash in native code)"
        )
        outcome.error_text = str(outcome.error)
        return
    payload = pickle.loads(data)
    for thing, state in zip(carry, payload.get("carried", []), strict=False):
        _restore(thing, state)
    if "value" in payload:
        outcome.value = payload["value"]
        return
    outcome.error = payload["error"]
    outcome.error_text = payload.get("error_text", "")
    outcome.over_memory = bool(payload.get("over_memory"))
