"""Running untrusted commands: bounded in time and output, the whole process group cleaned up."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO

from kaizen_conformance.runtime import nosockets

MAX_OUTPUT = 4 << 20  # bytes kept per stream; the rest is drained and counted, not stored


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

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.start_error

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
            return f"still running after {self.seconds:.1f} s: killed with its process group at the per-call limit"
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


def _drain(stream: IO[bytes], keep: bytearray, counter: list[int]) -> None:
    for block in iter(lambda: stream.read(65536), b""):
        counter[0] += len(block)
        room = MAX_OUTPUT - len(keep)
        if room > 0:
            keep.extend(block[:room])
    stream.close()


def kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def run_command(
    argv: Sequence[str],
    *,
    limit: float,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    deny_sockets: bool = False,
) -> CommandOutcome:
    """Run ``argv`` (no shell) in its own session; kill the whole group at ``limit`` seconds.

    Output is drained continuously (a chatty command never blocks on a full pipe) and kept up
    to MAX_OUTPUT bytes per stream. Whatever the command left running in its process group is
    killed when it exits, so no process outlives the check.

    ``deny_sockets`` installs the seccomp socket filter (``runtime.nosockets``) in the child
    between fork and exec. That takes ``preexec_fn``, which subprocess warns is unsafe with
    threads (a lock held by another thread at fork stays held in the child): the filter is built
    in this process beforehand, so the child only calls prctl() twice. preexec_fn also rules out
    vfork; measured with a 300 MB parent, a command costs about 10 ms more (a wrapper process
    that installs the filter and execs would cost about 30 ms). A filter that cannot be
    installed is a start error: the command never runs unfiltered.
    """
    outcome = CommandOutcome(list(argv))
    preexec = None
    if deny_sockets:
        try:
            nosockets.prepare_socket_filter()
        except OSError as exc:
            outcome.start_error = f"cannot refuse sockets here: {exc}"
            return outcome
        preexec = nosockets.install_socket_filter
    started = time.perf_counter()
    try:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=preexec,  # see above: the filter must be the child's
        )
    except subprocess.SubprocessError as exc:  # preexec_fn raised: the filter did not install
        outcome.start_error = f"cannot refuse sockets in the command: {exc}"
        return outcome
    except OSError as exc:
        outcome.start_error = f"{type(exc).__name__}: {exc}"
        return outcome
    kept = (bytearray(), bytearray())
    sizes = ([0], [0])
    readers = [
        threading.Thread(
            target=_drain, args=(stream, kept[i], sizes[i]), daemon=True, name="kaizen-drain"
        )
        for i, stream in enumerate((process.stdout, process.stderr))
    ]
    for reader in readers:
        reader.start()
    try:
        process.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        outcome.timed_out = True
    finally:
        kill_group(process)
        process.wait()
        for reader in readers:
            reader.join(5)
    outcome.seconds = time.perf_counter() - started
    outcome.returncode = None if outcome.timed_out else process.returncode
    outcome.stdout, outcome.stderr = bytes(kept[0]), bytes(kept[1])
    outcome.stdout_size, outcome.stderr_size = sizes[0][0], sizes[1][0]
    return outcome
