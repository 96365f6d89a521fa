"""Running untrusted commands: bounded in time, memory and output; nothing they start outlives them.

On Linux a command is started by a *warden*: a child forked from the kit that takes a session
of its own, becomes a subreaper (so even a double-forked ``setsid`` daemon stays below it),
starts the command with the memory bound (``RLIMIT_DATA``), waits at most the time limit, and
then ends every process left below it before it exits. The kit reads the command's output
until every copy of the pipes is closed, which, with the whole tree ended, is at once: no
grandchild holding a pipe can keep the kit waiting. Elsewhere the command runs in a session
of its own and its process group is killed, which a daemon that calls ``setsid`` escapes.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import select
import shutil
import signal
import subprocess
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kaizen_conformance.runtime import ahead, nosockets, processes

MAX_OUTPUT = 4 << 20  # bytes kept per stream; the rest is drained and counted, not stored
MIB = 1 << 20
BACKSTOP = 10.0  # seconds past the limit after which the kit ends a warden that did not report
# What runtimes print when an allocation fails under the bound (Python, glibc, C++, V8, Go, JVM)
OUT_OF_MEMORY_WORDS = (
    b"MemoryError",
    b"Cannot allocate memory",
    b"out of memory",
    b"bad_alloc",
    b"OutOfMemoryError",
)


@dataclass
class CommandOutcome:
    """What one command did. ``returncode`` is None when it was killed at the limit."""

    argv: list[str]
    returncode: int | None = None
    stdout: bytes = b""
    stderr: bytes = b""
    stdout_size: int = 0
    stderr_size: int = 0
    timed_out: bool = False
    seconds: float = 0.0
    start_error: str = ""
    over_memory: bool = False  # it failed for want of memory under the budget (``memory_mib``)
    memory_mib: int = 0
    peak_mib: float = 0.0  # the largest resident size the command reached, where known

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.start_error

    @property
    def over_limit(self) -> bool:
        """It ran past the time limit, or failed for want of memory under the budget."""
        return self.timed_out or self.over_memory

    def head(self, stream: str = "stdout", limit: int = 300) -> str:
        """The first bytes of a stream, printable, with its full size: for failure messages."""
        data: bytes = getattr(self, stream)
        size: int = getattr(self, f"{stream}_size")
        text = data[:limit].decode("utf-8", errors="replace")
        more = f" ... ({size} bytes in all)" if size > limit else ""
        return f"{text!r}{more}"

    def describe(self) -> str:
        """One paragraph saying how the command ended, for a failure message."""
        if self.start_error:
            return f"could not start {self.argv[0]!r}: {self.start_error}"
        if self.timed_out:
            return f"still running after {self.seconds:.1f} s: killed with every process it started at the per-call limit"
        if self.over_memory:
            return (
                f"ran out of its memory budget of {self.memory_mib} MiB (--kaizen-memory): exit "
                f"{self.returncode} after {self.seconds:.2f} s; stderr {self.head('stderr')}"
            )
        return f"exit {self.returncode} after {self.seconds:.2f} s; stderr {self.head('stderr')}"


def command_argv(template: Sequence[str], fields: Mapping[str, str]) -> list[str]:
    """A command template's placeholders filled word by word (never through a shell).

    A placeholder filled with "" stays an (empty) argument.
    """
    return [word.format_map(fields) for word in template]


def unstartable(
    program: str, *, cwd: str | os.PathLike[str] | None = None, path: str | None = None
) -> str:
    """Why ``program`` cannot be started, or "" when it can.

    A program named with a path is looked up from ``cwd`` (where the command will run), any
    other on ``path`` (default: $PATH). Asked before running because inside ``unshare`` a
    missing program is not a start error but unshare's own exit 127, which would read as the
    command's answer.
    """
    if not program:
        return "no program named"
    if os.sep in program:
        where = os.path.join(cwd, program) if cwd is not None else program
        if not os.path.isfile(where):
            return "no such file"
        return "" if os.access(where, os.X_OK) else "not executable"
    return "" if shutil.which(program, path=path) else "not found on PATH"


def run_command(
    argv: Sequence[str],
    *,
    limit: float,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    memory_mib: int = 0,
    deny_sockets: bool = False,
    stdin_file: str | os.PathLike[str] | None = None,
) -> CommandOutcome:
    """Run ``argv`` (no shell) bounded by ``limit`` seconds and ``memory_mib`` MiB (0: unbounded).

    Its standard input is the file ``stdin_file``, or nothing (``/dev/null``).

    Output is read continuously (a chatty command never blocks on a full pipe) and kept up to
    MAX_OUTPUT bytes per stream. When the command exits or reaches the limit, every process it
    left running is ended, so nothing outlives the check.

    ``deny_sockets`` installs the seccomp socket filter (``runtime.nosockets``) in the command's
    own process between fork and exec, with the memory bound. The filter is built in this process
    beforehand, so the child only calls prctl() twice. A filter that cannot be installed is a
    start error: the command never runs unfiltered.
    """
    outcome = CommandOutcome(list(argv), memory_mib=memory_mib)
    if deny_sockets:
        try:
            nosockets.prepare_socket_filter()
        except OSError as exc:
            outcome.start_error = f"cannot refuse sockets here: {exc}"
            return outcome
    started = time.perf_counter()
    limits = _limits(memory_mib, deny_sockets)
    if processes.tree_reachable() and hasattr(os, "fork"):
        _run_warded(outcome, argv, limit, env, cwd, limits, stdin_file)
    else:
        _run_in_group(outcome, argv, limit, env, cwd, limits, stdin_file)
    outcome.seconds = time.perf_counter() - started
    outcome.over_memory = _out_of_memory(outcome)
    return outcome


def _limits(memory_mib: int, deny_sockets: bool) -> Callable[[], None] | None:
    """What the command's own process applies to itself before it becomes the command."""
    if not memory_mib and not deny_sockets:
        return None
    install = nosockets.install_socket_filter if deny_sockets else None

    def apply() -> None:
        if memory_mib:
            hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
            budget = memory_mib * MIB
            if hard == resource.RLIM_INFINITY or budget < hard:
                resource.setrlimit(resource.RLIMIT_DATA, (budget, hard))
        if install is not None:
            install()

    return apply


def _out_of_memory(outcome: CommandOutcome) -> bool:
    if not outcome.memory_mib or outcome.ok or outcome.timed_out or outcome.start_error:
        return False
    if outcome.peak_mib >= 0.8 * outcome.memory_mib:
        return True
    return any(word in outcome.stderr[-4096:] for word in OUT_OF_MEMORY_WORDS)


@dataclass
class Stream:
    """What a command wrote on one pipe: the first MAX_OUTPUT bytes, and how many in all."""

    kept: bytearray = field(default_factory=bytearray)
    size: int = 0

    def keep(self, block: bytes) -> None:
        self.size += len(block)
        room = MAX_OUTPUT - len(self.kept)
        if room > 0:
            self.kept.extend(block[:room])

    def into(self, outcome: CommandOutcome, name: str) -> None:
        setattr(outcome, name, bytes(self.kept))
        setattr(outcome, f"{name}_size", self.size)


def _read_all(streams: dict[int, Stream], deadline: float) -> bool:
    """Read every pipe to its end; False when ``deadline`` came first."""
    open_fds = list(streams)
    while open_fds:
        left = deadline - time.perf_counter()
        if left <= 0:
            return False
        ready, _, _ = select.select(open_fds, [], [], left)
        for fd in ready:
            block = os.read(fd, 65536)
            if block:
                streams[fd].keep(block)
            else:
                open_fds.remove(fd)
    return True


def _fork() -> int:
    with warnings.catch_warnings():
        # Python 3.12+ warns on fork() in a threaded process; the warden only starts the command.
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


def _run_warded(
    outcome: CommandOutcome,
    argv: Sequence[str],
    limit: float,
    env: Mapping[str, str] | None,
    cwd: str | os.PathLike[str] | None,
    limits: Callable[[], None] | None,
    stdin_file: str | os.PathLike[str] | None,
) -> None:
    ahead.before_fork()  # before any pipe is made: refused on the lookahead thread
    warden = -1
    try:
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        report_r, report_w = os.pipe()
        warden = _fork()
    finally:
        if warden != 0:  # the kit, the fork made or failed
            ahead.after_fork()
    if warden == 0:
        for fd in (out_r, err_r, report_r):
            os.close(fd)
        _warden(argv, limit, env, cwd, limits, (out_w, err_w, report_w), stdin_file)
    for fd in (out_w, err_w, report_w):
        os.close(fd)
    streams = {fd: Stream() for fd in (out_r, err_r, report_r)}
    finished = False
    try:
        finished = _read_all(streams, time.perf_counter() + limit + BACKSTOP)
    finally:
        for fd in streams:
            os.close(fd)
        if not finished:  # the warden never finished: end it and all below it
            processes.end_tree(warden)
            processes.collect(warden)
        else:  # it has reported, all below it ended: let it exit in its own time
            processes.collect_later(warden)
    streams[out_r].into(outcome, "stdout")
    streams[err_r].into(outcome, "stderr")
    report: dict[str, Any] = {"timed_out": True}
    with contextlib.suppress(Exception):
        report = pickle.loads(bytes(streams[report_r].kept))
    outcome.start_error = str(report.get("start_error", ""))
    outcome.timed_out = bool(report.get("timed_out"))
    outcome.returncode = None if outcome.timed_out else report.get("returncode")
    outcome.peak_mib = float(report.get("peak_kib", 0)) / 1024


def _warden(
    argv: Sequence[str],
    limit: float,
    env: Mapping[str, str] | None,
    cwd: str | os.PathLike[str] | None,
    limits: Callable[[], None] | None,
    pipes: tuple[int, int, int],
    stdin_file: str | os.PathLike[str] | None,
) -> None:
    """The warden's whole life: start the command, wait, end everything below, report, exit."""
    out_w, err_w, report_w = pipes
    report: dict[str, Any] = {}
    try:
        os.setsid()
        processes.become_subreaper()
        started = time.perf_counter()
        try:
            command = subprocess.Popen(
                list(argv),
                stdin=_stdin(stdin_file),
                stdout=out_w,
                stderr=err_w,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                preexec_fn=limits,  # the warden has a single thread: a fork there is safe
            )
        except (OSError, subprocess.SubprocessError) as exc:
            report["start_error"] = f"{type(exc).__name__}: {exc}"
        else:
            os.close(out_w)
            os.close(err_w)
            status, peak_kib = _wait(command.pid, started + limit)
            report["timed_out"] = status is None
            if status is not None:
                report["returncode"] = os.waitstatus_to_exitcode(status)
                report["peak_kib"] = peak_kib
    except BaseException as exc:  # noqa: BLE001 - the warden must reach os._exit
        report.setdefault("start_error", f"the kit's warden failed: {type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(BaseException):
            processes.end_descendants(os.getpid(), reap=True)
        with contextlib.suppress(BaseException):
            os.write(report_w, pickle.dumps(report))
        os._exit(0)


def _stdin(stdin_file: str | os.PathLike[str] | None) -> int:
    """The command's standard input: the file, read-only, or ``/dev/null``."""
    if stdin_file is None:
        return subprocess.DEVNULL
    return os.open(stdin_file, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))


def _wait(pid: int, deadline: float) -> tuple[int | None, int]:
    """The command's wait status and peak resident KiB, or (None, 0) at ``deadline``."""
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage.ru_maxrss
        left = deadline - time.perf_counter()
        if left <= 0:
            return None, 0
        time.sleep(min(left, 0.002))


def _run_in_group(
    outcome: CommandOutcome,
    argv: Sequence[str],
    limit: float,
    env: Mapping[str, str] | None,
    cwd: str | os.PathLike[str] | None,
    limits: Callable[[], None] | None,
    stdin_file: str | os.PathLike[str] | None,
) -> None:
    """Where no warden can be had: the command in a session of its own, its group killed."""
    stdin = subprocess.DEVNULL
    try:
        stdin = _stdin(stdin_file)
        process = subprocess.Popen(
            list(argv),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=limits,  # resource limits and the socket filter, set before exec
        )
    except subprocess.SubprocessError as exc:  # preexec_fn raised: a limit did not install
        outcome.start_error = f"cannot bound the command or refuse it sockets: {exc}"
        return
    except OSError as exc:
        outcome.start_error = f"{type(exc).__name__}: {exc}"
        return
    finally:
        if stdin != subprocess.DEVNULL:
            os.close(stdin)  # the command has its own copy
    assert process.stdout is not None and process.stderr is not None
    out, err = Stream(), Stream()
    deadline = time.perf_counter() + limit
    _read_all({process.stdout.fileno(): out, process.stderr.fileno(): err}, deadline)
    try:
        process.wait(timeout=max(0.0, deadline - time.perf_counter()))
    except subprocess.TimeoutExpired:
        outcome.timed_out = True
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()
    process.stderr.close()
    outcome.returncode = None if outcome.timed_out else process.returncode
    out.into(outcome, "stdout")
    err.into(outcome, "stderr")
