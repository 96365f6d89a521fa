"""One or more in-process calls in a child process forked from the kit (Linux).

The child takes a session of its own, becomes a subreaper (orphans it leaves stay below it),
gets the memory bound (``RLIMIT_DATA``: the kit's own data plus the budget) and, for offline
roles, the socket filter; then it runs each call in turn and answers each on a pipe as a
length-prefixed pickle, with what the kit asked it to carry home. At a time limit the kit
sends ``STOPPED`` first (a call blocked in Python sends what it carries), then ends the child
and everything below it. ``runtime.calls`` is the API; this is how it is done.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import pickle
import resource
import select
import signal
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kaizen_conformance.runtime import ahead, processes
from kaizen_conformance.runtime.call_outcome import CallOutcome, RaisedInCall, Unpicklable

MIB = 1 << 20
EXIT_GRACE = 5.0  # seconds the kit waits for a child that has answered to end itself
STOPPED = signal.SIGUSR1  # at the limit: send home what you carry, then exit
STOP_GRACE = 0.5  # seconds a call stopped at the limit has to send what it carries
FRAME_HEADER = 8  # bytes of length before each answer on the pipe
CANCEL_POLL = 0.1  # seconds: how soon a call run ahead is stopped once its run is ending
MAX_LEARNED = 2000  # module names one call may teach the zygote
# Modules calls' processes imported (lazily, inside implementations), in order, for the zygote to
# import before the next call (runtime.zygote); what a process forked by the kit reports too.
LEARNED: dict[str, None] = {}
# Who forks a call's process: given the calls, what they carry, the answer and go pipes, the
# memory budget and the socket filter, a pid (of a process the kit does not reap), or None
# when the kit must fork it itself.
Spawn = Callable[
    [Sequence[Callable[[], Any]], Sequence[Any], int, int | None, int, Callable[[], None] | None],
    int | None,
]
ENDED_WITHOUT_ANSWER = (
    "the call's process ended without an answer (the implementation ended its own process: "
    "os._exit, a signal, or a crash in native code)"
)


def _state_of(thing: Any) -> Any:
    return list(thing) if isinstance(thing, list) else dict(vars(thing))


def _restore(thing: Any, state: Any) -> None:
    if isinstance(thing, list):
        thing[:] = state
    else:
        vars(thing).update(state)


def memory_error(exc: BaseException) -> bool:
    """Whether ``exc``, or an exception it was raised from or during, is a ``MemoryError``."""
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
    """This process's data segment now (``VmData``): the base the memory budget adds to.

    Read as bytes, in one piece: a call's process shares the zygote's memory until it writes
    to it, and each page a text file's machinery would write to is a page copied.
    """
    fd = os.open("/proc/self/status", os.O_RDONLY)
    try:
        status = os.read(fd, 1 << 16)
    finally:
        os.close(fd)
    start = status.find(b"\nVmData:")
    if start < 0:
        return 0
    return int(status[start + 8 :].split(None, 2)[0]) * 1024


def warm_up() -> None:
    """Run once in the zygote what every call's process runs, so that none pays a first use
    (an encoding imported, the C library looked up, ``/proc`` read through pathlib)."""
    _data_bytes()
    processes.libc()
    processes.end_descendants(os.getpid())
    _pickled(
        {
            "error": ValueError("warm"),
            "error_text": "".join(traceback.format_exception(ValueError())),
        }
    )


def _frame(payload: dict[str, Any], carry: Sequence[Any]) -> bytes:
    """One answer on the pipe: its length, then the pickled payload with what is carried."""
    payload["carried"] = [_state_of(thing) for thing in carry]
    data = _pickled(payload)
    return len(data).to_bytes(FRAME_HEADER, "big") + data


def child(
    functions: Sequence[Callable[[], Any]],
    answer: int,
    memory_mib: int,
    carry: Sequence[Any],
    install: Callable[[], None] | None,
    go: int | None = None,
    prepared: bool = False,
) -> None:
    """The calls' process (forked from the kit or from the zygote): run each, answer each
    through ``answer``, end everything below, exit. ``prepared``: ``become_call_process`` ran
    already (in a spare the zygote forked ahead of the call).

    With ``go``, each call after the first waits for one byte on it: the kit changes the world
    (``between``) while the process, and all it keeps, waits.

    At the time limit the kit first sends ``STOPPED`` (SIGUSR1): a call blocked in Python (on a
    stalled hub, a sleep) then sends home what the kit asked it to carry, so that a hung call's
    messages still say what it did (the requests it sent), before it is ended.
    """
    status = 0
    # how many modules there were: a set of their names would write to the memory of every name
    # (a copy of each page they sit on), and most calls import nothing new
    modules_before = len(sys.modules)
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    budget = hard

    def send(payload: dict[str, Any]) -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (hard, hard))  # room to answer
        for stream in (sys.stdout, sys.stderr):  # what it printed reaches the kit's capture
            with contextlib.suppress(Exception):
                stream.flush()
        view = memoryview(_frame(payload, carry))
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
        if not prepared:
            become_call_process()
        if memory_mib:
            wanted = _data_bytes() + memory_mib * MIB
            if hard == resource.RLIM_INFINITY or wanted < hard:
                budget = wanted
        if install is not None:
            install()
        for index, function in enumerate(functions):
            if go is not None and index and not os.read(go, 1):
                break  # the kit stopped the sequence
            signal.signal(STOPPED, stopped)
            resource.setrlimit(resource.RLIMIT_DATA, (budget, hard))
            payload: dict[str, Any]
            try:
                payload = {"value": function()}
            except BaseException as exc:  # noqa: BLE001 - an implementation may raise anything
                payload = {
                    "error": exc,
                    "error_text": "".join(traceback.format_exception(exc)).rstrip(),
                    "over_memory": memory_error(exc),
                }
            signal.signal(STOPPED, signal.SIG_IGN)  # answering now: the answer is what comes home
            processes.end_descendants(os.getpid(), reap=True)  # nothing it started outlives it
            # what the call imported, for the zygote to import before the next call (LEARNED)
            payload["imported"] = _imported_since(modules_before)
            send(payload)
    except BaseException:  # noqa: BLE001 - the child must reach os._exit, whatever happened
        status = 70
    finally:
        with contextlib.suppress(BaseException):
            processes.end_descendants(os.getpid(), reap=True)
        os._exit(status)


def _imported_since(count: int) -> list[str]:
    """The modules imported after the first ``count`` (``sys.modules`` keeps import order; a
    module removed meanwhile can hide one imported: the list is a hint for the zygote)."""
    if len(sys.modules) <= count:
        return []
    return sorted(itertools.islice(sys.modules, count, None))[:MAX_LEARNED]


def become_call_process() -> None:
    """A session of its own (the kit ends its group), a name ``ps`` shows, and a subreaper
    (orphans it leaves stay below it, where the kit finds them)."""
    os.setsid()
    processes.name_this_process("kaizen-call")
    processes.become_subreaper()


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
    """Fork, the kit's objects frozen out of the child's garbage collector.

    A child shares the kit's memory until it writes to it; a garbage collection there would
    visit (and so copy) every object the kit holds, tens of milliseconds a call. Frozen
    (``gc.freeze``), they are left alone in the child; the kit thaws its own at once.
    """
    ahead.before_fork()
    pid = -1
    gc.freeze()
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns on fork() in a threaded process; the child runs only the call.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    finally:
        if pid != 0:  # the kit (the child leaves the lock it may have copied alone)
            gc.unfreeze()
            ahead.after_fork()
    return pid


def calls_in_child(
    functions: Sequence[Callable[[], Any]],
    limit: float,
    memory_mib: int,
    carry: Sequence[Any],
    install: Callable[[], None] | None,
    between: Callable[[int], None] | None = None,
    spawn: Spawn | None = None,
) -> list[CallOutcome]:
    outcomes = [CallOutcome(memory_mib=memory_mib, isolated=True) for _ in functions]
    processes.tree_reachable()  # the C library found here, once, not in every child
    read_end, write_end = os.pipe()
    go_read, go_write = os.pipe() if between is not None else (None, None)
    try:
        spawned = (
            None
            if spawn is None
            else spawn(functions, carry, write_end, go_read, memory_mib, install)
        )
        pid, ours = (spawned, False) if spawned is not None else (_fork(), True)
    except BaseException:  # refused (NotAhead) or failed: no pipe is left open
        for fd in (read_end, write_end, go_read, go_write):
            if fd is not None:
                os.close(fd)
        raise
    if pid == 0:
        os.close(read_end)
        if go_write is not None:
            os.close(go_write)
        child(functions, write_end, memory_mib, carry, install, go_read)
    os.close(write_end)
    if go_read is not None:
        os.close(go_read)
    pending = bytearray()
    stopped = False
    try:
        for index, outcome in enumerate(outcomes):
            started = time.perf_counter()
            frame = _read_frame(read_end, pending, started + limit)
            outcome.seconds = time.perf_counter() - started
            if frame is None:  # past the limit: ask for what it carries, briefly, then end it
                outcome.timed_out = stopped = True
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, STOPPED)
                _carry_home(_read_frame(read_end, pending, time.perf_counter() + STOP_GRACE), carry)
                outcome.carried = [_state_of(thing) for thing in carry]
                _not_run(outcomes[index + 1 :], "an earlier call in its process ran past its limit")
                break
            if not frame:
                _not_run(outcomes[index:], ENDED_WITHOUT_ANSWER)
                break
            _unpack(frame, outcome, carry)
            outcome.carried = [_state_of(thing) for thing in carry]
            if go_write is not None and index + 1 < len(outcomes):
                assert between is not None
                between(index)  # the world changes while the calls' process waits
                os.write(go_write, b"g")
    finally:
        os.close(read_end)
        if go_write is not None:
            os.close(go_write)
        if stopped:
            processes.end_tree(pid)
            if ours:
                processes.collect(pid, EXIT_GRACE)
            else:  # the zygote reaps it
                processes.wait_gone(pid, EXIT_GRACE)
        elif ours:  # it has answered, and ended all it started: let it exit in its own time
            processes.collect_later(pid, EXIT_GRACE)
    return outcomes


def _not_run(outcomes: Sequence[CallOutcome], why: str) -> None:
    for outcome in outcomes:
        outcome.error = RaisedInCall(why)
        outcome.error_text = why


def _carry_home(frame: bytes | None, carry: Sequence[Any]) -> None:
    """What a call stopped at the limit carried, when it could still send it."""
    with contextlib.suppress(Exception):
        _restore_all(carry, pickle.loads(frame or b""))


def _restore_all(carry: Sequence[Any], payload: dict[str, Any]) -> None:
    for thing, state in zip(carry, payload.get("carried", []), strict=False):
        _restore(thing, state)


def _read_frame(fd: int, pending: bytearray, deadline: float) -> bytes | None:
    """The next answer on ``fd``: None when ``deadline`` came first, b"" at the end of the pipe."""
    while True:
        if len(pending) >= FRAME_HEADER:
            size = int.from_bytes(pending[:FRAME_HEADER], "big")
            if len(pending) >= FRAME_HEADER + size:
                frame = bytes(pending[FRAME_HEADER : FRAME_HEADER + size])
                del pending[: FRAME_HEADER + size]
                return frame
        left = deadline - time.perf_counter()
        if left <= 0 or ahead.cancelled():
            return None  # past the limit, or run ahead for a run that is ending: stop it
        if ahead.running_ahead_here():
            left = min(left, CANCEL_POLL)
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        block = os.read(fd, 1 << 20)
        if not block:
            return b""
        pending.extend(block)


def _unpack(data: bytes, outcome: CallOutcome, carry: Sequence[Any]) -> None:
    payload = pickle.loads(data)
    for name in payload.get("imported", ()):
        if isinstance(name, str) and name != "__main__":
            LEARNED[name] = None
    _restore_all(carry, payload)
    if "value" in payload:
        outcome.value = payload["value"]
        return
    outcome.error = payload["error"]
    outcome.error_text = payload.get("error_text", "")
    outcome.over_memory = bool(payload.get("over_memory"))
