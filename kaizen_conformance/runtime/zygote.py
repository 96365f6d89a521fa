"""A small, pristine process that forks the process of each in-process call (Linux).

Forking the kit itself for every call costs what the kit weighs: pytest with every plugin is a
large address space, and a fork copies its page tables and leaves both sides taking a
copy-on-write fault on every page they touch afterwards: milliseconds a call, most of a run's
cost. The zygote is a fresh interpreter that holds only this package's runtime and the modules
the calls need (imported once, on first use, as the kit itself imported them): each call's
process is forked from it, a fraction of the size, and the kit's own process never forks.

A call travels as one pickle of its functions and of what it carries home, so that the objects
a call fills in (a hub double's request log, captured output) are the very objects its
functions hold in the call's process. A call that does not pickle (a closure, a lambda) is
forked from the kit as before (``runtime.forked``); so is every call where the zygote cannot
run. Each call's process then behaves exactly as one forked from the kit: its own session, a
subreaper, the memory bound and socket filter, answers on a pipe of the kit's own.

The zygote starts on first use, one per kit process and ``sys.path`` (a pytest session that
imports implementations from elsewhere gets a zygote of its own), dies with the kit
(``PR_SET_PDEATHSIG``, and the kit closes its end at exit), and lets the kernel reap the call
processes it forks (``SIGCHLD`` ignored), so none is left a zombie.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from kaizen_conformance.runtime import forked, nosockets, processes

# Set to 1, every call is forked from the kit itself (for tests of both roads).
NO_ZYGOTE_ENV = "KAIZEN_CONFORMANCE_NO_ZYGOTE"
REPLY_WAIT = (
    120.0  # seconds: a first call may import its implementation (as slow as the kit's own import)
)
HEADER = 8
ENV_SAME, ENV_CHANGED = b"=", b"E"  # before a request the zygote hands a spare
PR_SET_PDEATHSIG = 1


class ZygoteUnavailable(Exception):
    """The call cannot go through the zygote: the kit forks it itself."""


def _send(sock: socket.socket, data: bytes, fds: Sequence[int] = ()) -> None:
    frame = len(data).to_bytes(HEADER, "big") + data
    if fds:
        sent = socket.send_fds(sock, [frame[:HEADER]], list(fds))
        frame = frame[sent:]
    sock.sendall(frame)


def _receive(sock: socket.socket, with_fds: bool = False) -> tuple[bytes | None, list[int]]:
    fds: list[int] = []
    if with_fds:
        head, fds, _, _ = socket.recv_fds(sock, HEADER, 4)
    else:
        head = sock.recv(HEADER, socket.MSG_WAITALL)
    if len(head) < HEADER:
        if head:
            head += sock.recv(HEADER - len(head), socket.MSG_WAITALL)
        if len(head) < HEADER:
            return None, fds
    size = int.from_bytes(head, "big")
    body = bytearray()
    while len(body) < size:
        block = sock.recv(min(size - len(body), 1 << 20))
        if not block:
            return None, fds
        body.extend(block)
    return bytes(body), fds


# --------------------------------------------------------------------------- the kit's side


class Zygote:
    """The kit's handle on its zygote process."""

    def __init__(self, path: Sequence[str]) -> None:
        self.path = list(path)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(entry for entry in self.path if entry)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", f"from {__name__} import serve; serve({theirs.fileno()})"],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                close_fds=True,
            )
        finally:
            theirs.close()
        self.sock = ours
        # one request and its reply at a time: the lookahead thread starts calls too
        self.lock = threading.Lock()

    def start(
        self,
        calls: bytes,
        answer: int,
        go: int | None,
        memory_mib: int,
        deny_sockets: bool,
    ) -> int:
        """Have the zygote fork the process for ``calls``; its pid (ZygoteUnavailable if not)."""
        with self.lock:
            return self._start(calls, answer, go, memory_mib, deny_sockets)

    def _start(
        self, calls: bytes, answer: int, go: int | None, memory_mib: int, deny_sockets: bool
    ) -> int:
        request = {
            "calls": calls,
            "memory_mib": memory_mib,
            "deny_sockets": deny_sockets,
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "path": list(sys.path),
            "preload": list(forked.LEARNED),  # what calls imported: imported here before this one
        }
        forked.LEARNED.clear()
        fds = [answer] if go is None else [answer, go]
        try:
            self.sock.settimeout(REPLY_WAIT)
            _send(self.sock, pickle.dumps(request), fds)
            reply, _ = _receive(self.sock)
        except OSError as exc:
            self.stop()
            _FAILED.add(tuple(self.path))
            raise ZygoteUnavailable(f"the zygote did not answer: {exc}") from exc
        if reply is None:
            self.stop()
            _FAILED.add(tuple(self.path))
            raise ZygoteUnavailable("the zygote ended")
        answer_to = pickle.loads(reply)
        if "pid" not in answer_to:
            raise ZygoteUnavailable(answer_to.get("error", "the zygote refused the call"))
        return int(answer_to["pid"])

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.wait(5)


_ZYGOTE: dict[str, Zygote] = {}


def zygote_available() -> bool:
    return (
        sys.platform.startswith("linux")
        and hasattr(socket, "send_fds")
        and os.environ.get(NO_ZYGOTE_ENV) != "1"
    )


_STARTING = threading.Lock()  # one zygote per kit process, whichever thread asks first
_FAILED: set[tuple[str, ...]] = set()  # sys.path values whose zygote failed: never retried


def current() -> Zygote:
    """This process's zygote for the current ``sys.path``, started on first use.

    A zygote that failed (it could not start, or ended) is not started again for the same
    ``sys.path``: the kit forks those calls itself, rather than pay a start per call.
    """
    with _STARTING:
        key = tuple(sys.path)
        zygote = _ZYGOTE.get("current")
        if zygote is not None and (tuple(zygote.path) != key or not zygote.running):
            if not zygote.running:
                _FAILED.add(tuple(zygote.path))
            zygote.stop()
            del _ZYGOTE["current"]
            zygote = None
        if key in _FAILED:
            raise ZygoteUnavailable("the zygote failed earlier in this run")
        if zygote is None:
            try:
                zygote = Zygote(sys.path)
            except OSError as exc:
                _FAILED.add(key)
                raise ZygoteUnavailable(f"the zygote could not start: {exc}") from exc
            _ZYGOTE["current"] = zygote
        return zygote


def stop_zygote() -> None:
    """End this process's zygote (a session ends; the kit exits)."""
    zygote = _ZYGOTE.pop("current", None)
    if zygote is not None:
        zygote.stop()


atexit.register(stop_zygote)


def spawn(
    functions: Sequence[Callable[[], Any]],
    carry: Sequence[Any],
    answer: int,
    go: int | None,
    memory_mib: int,
    install: Callable[[], None] | None,
) -> int | None:
    """The pid of the calls' process, forked by the zygote; None where the kit must fork it
    (no zygote here, or the calls do not pickle)."""
    if not zygote_available():
        return None
    try:
        calls = pickled_calls(functions, carry)
        return current().start(calls, answer, go, memory_mib, install is not None)
    except ZygoteUnavailable:
        return None


def pickled_calls(functions: Sequence[Callable[[], Any]], carry: Sequence[Any]) -> bytes:
    """The calls and what they carry, as one pickle (shared objects stay shared); raises
    ZygoteUnavailable for a call that does not pickle (a closure: the kit forks it itself)."""
    try:
        return pickle.dumps((list(functions), list(carry)))
    except Exception as exc:
        raise ZygoteUnavailable(f"the call does not pickle: {exc}") from exc


# --------------------------------------------------------------------------- the zygote's side


def serve(fd: int) -> None:
    """The zygote's loop: for each request, hand it to a spare call process, and say its pid.

    A spare is forked ahead of each call, and has made itself a call process (session,
    subreaper) while the kit was busy elsewhere: the fork and that set-up are off the call's
    path. The zygote reads each request first (it imports what the calls need, and refuses
    one that does not load, so that the kit forks it itself) and keeps nothing of it.
    """
    libc = processes.libc()
    if libc is not None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:
        return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the calls' processes
    processes.name_this_process("kaizen-zygote")
    forked.warm_up()
    nosockets.prepare_socket_filter()  # built once here; a call process only installs it
    sock = socket.socket(fileno=fd)
    spare: tuple[int, socket.socket] | None = None
    spares_env = dict(os.environ)  # what the spares forked from here hold
    while True:
        if spare is None:
            spare = _fork_spare(sock)
        data, fds = _receive(sock, with_fds=True)
        if data is None:
            return
        try:
            request = pickle.loads(data)
            sys.path[:] = request["path"]
            _preload(request["preload"])
            pickle.loads(request["calls"])  # it loads here: the spare will load it too
        except BaseException as exc:  # noqa: BLE001 - the kit forks the call itself then
            for each in fds:
                os.close(each)
            _send(sock, pickle.dumps({"error": f"{type(exc).__name__}: {exc}"}))
            continue
        pid, to_spare = spare
        spare = None
        # The spare compares no environment itself (building one as a dict writes to pages it
        # shares with the zygote): it is told whether to take the kit's, and the zygote takes it
        # too, so that the next spares hold it already.
        new_env = request["env"] != spares_env
        try:
            _send(to_spare, (ENV_CHANGED if new_env else ENV_SAME) + data, fds)
        except OSError as exc:  # the spare is gone: the kit forks this call itself
            _send(sock, pickle.dumps({"error": f"no spare: {exc}"}))
            continue
        finally:
            to_spare.close()
            for each in fds:
                os.close(each)
        if new_env:
            os.environ.clear()
            os.environ.update(request["env"])
            spares_env = request["env"]
        _send(sock, pickle.dumps({"pid": pid}))


def _fork_spare(to_kit: socket.socket) -> tuple[int, socket.socket]:
    """A call process forked ahead of its call, waiting for it on a socket of its own."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    gc.freeze()  # the call's process leaves the zygote's objects alone (no copy-on-write)
    pid = os.fork()
    if pid == 0:
        try:
            ours.close()
            to_kit.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            forked.become_call_process()
            _run_spare(theirs)
        finally:
            os._exit(70)
    gc.unfreeze()
    theirs.close()
    return pid, ours


def _run_spare(sock: socket.socket) -> None:
    data, fds = _receive(sock, with_fds=True)
    sock.close()
    if data is None or not fds:
        os._exit(0)  # the zygote ended: so does its spare
    answer, go = fds[0], (fds[1] if len(fds) > 1 else None)
    request = pickle.loads(memoryview(data)[1:])
    if data[:1] == ENV_CHANGED:  # as a rule the kit's environment is the spares' already
        os.environ.clear()
        os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.path[:] = request["path"]
    _preload(request["preload"])
    functions, carry = pickle.loads(request["calls"])
    install = nosockets.install_socket_filter if request["deny_sockets"] else None
    forked.child(functions, answer, request["memory_mib"], carry, install, go, prepared=True)


def _preload(modules: Sequence[str]) -> None:
    for name in modules:
        if name not in sys.modules:
            with contextlib.suppress(BaseException):
                importlib.import_module(name)
