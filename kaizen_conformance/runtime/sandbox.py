"""Enforcing the boundary rules: offline (no network) and, with ``runtime.trees``, read-only.

In-process, a Python audit hook sees every socket connect, DNS lookup and bind of the
process; while a guard is active it refuses them and records the attempt. For commands the
same hook is injected through ``sitecustomize`` (Python commands), and where the machine
allows it the command also runs in a fresh network namespace with no interfaces but a
down loopback (``unshare --net``), which catches any language. Reports say which applied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kaizen_conformance.runtime import audit
from kaizen_conformance.runtime.calls import CallOutcome, call_with_limit
from kaizen_conformance.runtime.commands import CommandOutcome, run_command, unstartable

NETWORK_EVENTS = {
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.bind",
    "socket.sendto",
}


@contextmanager
def offline(attempts: list[str]) -> Iterator[list[str]]:
    """Refuse and record (in ``attempts``) any network use by this process while the block runs."""

    def refuse(event: str, args: tuple[object, ...]) -> None:
        if event in NETWORK_EVENTS:
            shown = (
                args[1:] if event in ("socket.connect", "socket.bind", "socket.sendto") else args
            )
            detail = f"{event}{shown}"
            attempts.append(detail[:200])
            raise ConnectionRefusedError(
                f"kaizen-conformance: network access is forbidden here ({detail[:120]})"
            )

    with audit.watching(refuse):
        yield attempts


SITECUSTOMIZE = '''\
"""Injected by kaizen-conformance: refuse and log network use (boundary rules)."""
import os as _os
import sys as _sys

_LOG = _os.environ.get("KAIZEN_NETWORK_LOG")
_EVENTS = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.bind", "socket.sendto"}


def _kaizen_offline(event, args):
    if event in _EVENTS:
        detail = "%s%r" % (event, args[1:] if event in ("socket.connect", "socket.bind", "socket.sendto") else args)
        if _LOG:
            with open(_LOG, "a", encoding="utf-8") as handle:
                handle.write(detail[:200] + "\\n")
        raise ConnectionRefusedError("kaizen-conformance: network access is forbidden here")


_sys.addaudithook(_kaizen_offline)
'''


def offline_command_env(directory: Path, base_env: dict[str, str]) -> tuple[dict[str, str], Path]:
    """Environment that makes a Python command refuse network use; returns it and the log path."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = directory / "network-attempts.log"
    env = dict(base_env)
    env["PYTHONPATH"] = str(directory) + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["KAIZEN_NETWORK_LOG"] = str(log)
    return env, log


@lru_cache(maxsize=1)
def netns_prefix() -> tuple[str, ...]:
    """``unshare`` words that run a command with no network, or () where the machine forbids it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for words in ((unshare, "--net"), (unshare, "--map-root-user", "--net")):
        try:
            probe = subprocess.run([*words, "true"], capture_output=True, timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return words
    return ()


def enforcement_note() -> str:
    """Which offline enforcement applies to commands on this machine, for reports."""
    if netns_prefix():
        return "network namespace (unshare --net) + Python audit hook"
    return "Python audit hook only (no network namespace on this machine)"


@dataclass
class GuardedCommand:
    """A command run with network use refused; ``network_attempts`` lists what it tried."""

    outcome: CommandOutcome
    network_attempts: list[str]
    enforcement: str


def run_command_offline(
    argv: Sequence[str],
    *,
    limit: float,
    scratch: Path,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    memory_mib: int = 0,
) -> GuardedCommand:
    """Run a command with no network: a fresh network namespace where possible, plus the audit hook.

    ``scratch`` is a kit-owned directory (never the repo under test) for the injected
    ``sitecustomize.py`` and the attempt log.
    """
    guarded_env, log = offline_command_env(scratch, dict(env if env is not None else os.environ))
    program = argv[0] if argv else ""
    missing = unstartable(program, cwd=cwd, path=guarded_env.get("PATH"))
    if missing:
        # inside `unshare` a missing program would read as exit 127, like a rejection: say it plainly
        outcome = CommandOutcome(list(argv), start_error=f"no such program {program!r} ({missing})")
        return GuardedCommand(outcome, [], enforcement_note())
    outcome = run_command(
        [*netns_prefix(), *argv], limit=limit, env=guarded_env, cwd=cwd, memory_mib=memory_mib
    )
    attempts = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return GuardedCommand(outcome, attempts, enforcement_note())


def call_offline(
    function: Callable[[], Any],
    limit: float,
    label: str,
    *,
    memory_mib: int = 0,
    carry: Sequence[Any] = (),
) -> tuple[CallOutcome, list[str]]:
    """Call an in-process implementation within the limits, refusing and recording network use.

    The guard is set in the kit before the call's process starts, so it holds there too; the
    attempts it records there come home with ``carry``.
    """
    attempts: list[str] = []
    with offline(attempts):
        outcome = call_with_limit(
            function, limit, label, memory_mib=memory_mib, carry=[attempts, *carry]
        )
    return outcome, attempts
