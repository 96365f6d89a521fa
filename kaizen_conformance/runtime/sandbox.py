"""Enforcing the boundary rules: offline (no network) and, with ``runtime.trees``, read-only.

In-process, a Python audit hook sees every socket connect, DNS lookup and bind of the
process; while a guard is active it refuses them and records the attempt. A command gets, in
layers, as many of these as the machine allows:

- a fresh network namespace with no interface up (``unshare --net``): no address is reachable;
- the seccomp socket filter (``runtime.nosockets``): ``socket()`` is refused for every family
  but netlink, in any language, which also keeps host unix-domain sockets out of reach (a
  namespace leaves those reachable: they are paths on the file system);
- the audit hook injected through ``sitecustomize``, which makes a Python command's attempts
  visible (``python -I`` skips it; the two layers above do not depend on it).

The first two enforce; only the third records what was tried. ``enforcement_for`` says which
applied, in the words every report uses.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from kaizen_conformance.runtime import audit, nosockets
from kaizen_conformance.runtime.calls import CallOutcome, call_in_sequence, isolation_available
from kaizen_conformance.runtime.commands import CommandOutcome, run_command, unstartable

# Creating an internet socket is network use (not AF_UNIX: socketpair() raises the same event).
INTERNET_FAMILIES = (socket.AF_INET, socket.AF_INET6)
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
        if event == "socket.__new__" and len(args) > 1 and args[1] in INTERNET_FAMILIES:
            # under the socket filter socket() itself fails: a raw socket's connect is never seen
            detail = f"socket.__new__(family={args[1]})"
        elif event in NETWORK_EVENTS:
            shown = (
                args[1:] if event in ("socket.connect", "socket.bind", "socket.sendto") else args
            )
            detail = f"{event}{shown}"
        else:
            return
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
# Creating an internet socket is recorded too: under the seccomp filter socket() itself fails,
# so a raw socket's connect would never be seen. (Not AF_UNIX: socketpair() raises the same event.)
_INTERNET = (2, 10)  # AF_INET, AF_INET6


def _kaizen_offline(event, args):
    if event == "socket.__new__" and len(args) > 1 and args[1] in _INTERNET:
        detail = "socket.__new__(family=%d)" % args[1]
    elif event in _EVENTS:
        detail = "%s%r" % (event, args[1:] if event in ("socket.connect", "socket.bind", "socket.sendto") else args)
    else:
        return
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


# For testing the fallbacks on a machine that has both layers: set to 1, the kit behaves as on a
# runner without a network namespace, or without the seccomp filter.
NO_NETNS_ENV = "KAIZEN_CONFORMANCE_NO_NETNS"
NO_SECCOMP_ENV = "KAIZEN_CONFORMANCE_NO_SECCOMP"


def netns_prefix() -> tuple[str, ...]:
    """``unshare`` words that run a command with no network, or () where the machine forbids it."""
    if os.environ.get(NO_NETNS_ENV) == "1":
        return ()
    return _unshare_words()


@lru_cache(maxsize=1)
def _unshare_words() -> tuple[str, ...]:
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


def socket_filter() -> bool:
    """Whether commands get the seccomp socket filter on this machine."""
    if os.environ.get(NO_SECCOMP_ENV) == "1":
        return False
    return nosockets.socket_filter_available()


Network = Literal["namespace", "seccomp", "audit-hook-only", "in-process"]
AUDIT_HOOK_ONLY = "offline rules judged by the Python audit hook only"

_NAMESPACE = "network namespace (unshare --net: no interface up)"
_IN_PROCESS_HOOK = (
    "Python audit hook (socket connect, DNS, bind and internet sockets refused and recorded; "
    "a C library's own sockets are not seen by it)"
)
_FILTER = (
    "seccomp socket filter (socket() refused for every family but netlink: host unix sockets too)"
)
_INJECTED = "Python audit hook in Python commands (records what they try; python -I skips it)"


def enforcement_for(kind: str) -> dict[str, str]:
    """How the offline rules are enforced for an implementation of ``kind`` on this machine.

    ``network``: ``namespace`` (a network namespace, with the filter and the hook where they
    apply), ``seccomp`` (the filter, no namespace), ``audit-hook-only`` (neither: only Python
    programs are held offline) or ``in-process`` (a callable: the kit's audit hook, and where
    calls run in a process of their own, the socket filter there too). ``note`` says it in one
    line, as every report prints it.
    """
    if kind != "command":
        if not isolation_available():
            return {"network": "in-process", "note": _IN_PROCESS_HOOK + " in the kit's interpreter"}
        layers = [_IN_PROCESS_HOOK, _FILTER if socket_filter() else ""]
        note = " + ".join(layer for layer in layers if layer)
        return {"network": "in-process", "note": f"{note}, in the call's own process"}
    namespace = kind == "command" and bool(netns_prefix())
    seccomp = socket_filter()
    hook = _INJECTED
    network: Network
    if namespace:
        network = "namespace"
        layers = [_NAMESPACE, _FILTER if seccomp else "", hook]
        if not seccomp:
            layers.append("host unix-domain sockets stay reachable (no seccomp filter here)")
    elif seccomp:
        network, layers = "seccomp", [_FILTER, hook, "no network namespace on this machine"]
    else:
        network = "audit-hook-only"
        layers = [
            f"{AUDIT_HOOK_ONLY}: a program in another language, or python -I, is not held "
            "offline (neither a network namespace nor the seccomp filter on this machine)"
        ]
    return {"network": network, "note": " + ".join(layer for layer in layers if layer)}


def enforcement_note() -> str:
    """Which offline enforcement applies to commands on this machine, in one line."""
    return enforcement_for("command")["note"]


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
    """Run a command with no network: a network namespace and the socket filter where the
    machine allows them, plus the audit hook (which records a Python command's attempts).

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
        [*netns_prefix(), *argv],
        limit=limit,
        env=guarded_env,
        cwd=cwd,
        deny_sockets=socket_filter(),
        memory_mib=memory_mib,
    )
    attempts = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return GuardedCommand(outcome, attempts, enforcement_note())


def call_offline(
    functions: Sequence[Callable[[], Any]],
    limit: float,
    label: str,
    *,
    memory_mib: int = 0,
    carry: Sequence[Any] = (),
) -> tuple[list[CallOutcome], list[str]]:
    """Call in-process implementations in turn, in one process, refusing and recording network use.

    The guard is set in the calls' process around each call; the attempts it records there
    come home with ``carry``. Where the calls run in a child process
    and the machine allows it, that process also gets the socket filter, which holds code
    outside Python (a C library's own sockets) offline as well.
    """
    attempts: list[str] = []
    outcomes = call_in_sequence(
        [functools.partial(_offline_call, attempts, function) for function in functions],
        limit,
        label,
        memory_mib=memory_mib,
        carry=[attempts, *carry],
        deny_sockets=socket_filter(),
    )
    return outcomes, attempts


def _offline_call(attempts: list[str], function: Callable[[], Any]) -> Any:
    """``function()`` with the audit-hook guard set in the process that makes the call."""
    with offline(attempts):
        return function()
