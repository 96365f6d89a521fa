"""Calling prepare: ``function(repo, agent)`` in-process, or ``CMD {agent} {repo}`` as a command.

Both roads end in one ``PrepareResult``: the event (as JSON data), or how prepare failed
(exception, exit status, time limit), what it printed, and what the offline guard saw.

Offline (PRE-005). In-process, the call runs under the kit's audit hook, which refuses and
records any socket connect, DNS lookup or bind of the process (a raw socket included), and
under respx, which refuses and records any httpx request before it reaches a socket (so the
report names the URL). A command runs in a fresh network namespace and under the seccomp
socket filter where the machine allows them, with an audit hook injected into Python commands
(``runtime.sandbox``); the result says which applied, in the words of ``adapters.offline``.

Reads of files prepare must never read (PRE-004): in-process, an audit hook records every
open of a watched file; for any implementation the role also watches access times.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaizen_conformance.adapters.cli_apps import program_for, run_program
from kaizen_conformance.adapters.offline import offline_enforcement
from kaizen_conformance.adapters.programs import command_environment
from kaizen_conformance.adapters.settling import awaited
from kaizen_conformance.contract.json_data import json_type, strict_loads
from kaizen_conformance.core.checks import crashed_call, crashed_command
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.runtime import audit
from kaizen_conformance.runtime.calls import CallOutcome
from kaizen_conformance.runtime.commands import command_argv, unstartable
from kaizen_conformance.runtime.sandbox import call_offline, run_command_offline

EVENT_TYPE = "kaizen.schedule.prepared"


@dataclass
class PrepareResult:
    """What one prepare invocation did, judged by no rule yet."""

    via: str  # "callable" or "command"
    event: dict[str, Any] | None = (
        None  # the event, when prepare succeeded and produced one JSON object
    )
    failed: bool = False  # raised, exited non-zero, was killed at the limit or could not start
    timed_out: bool = False
    never_ran: bool = False  # the command could not be started: no verdict on what prepare does
    crashed: bool = (
        False  # failed as broken code does (a programming error, a signal), not a refusal
    )
    failure: str = ""  # how it failed, for messages
    message: str = ""  # the error message: the exception's text, or stderr
    problem: str = (
        ""  # why a successful run's output is not an event ("returned ...", "exited 0, but ...")
    )
    printed: str = (
        ""  # the start of stdout (commands) or the returned value (callables), for messages
    )
    printed_event: bool = (
        False  # an event (or what looks like one) came out although prepare failed
    )
    network_attempts: list[str] = field(default_factory=list)
    enforcement: str = ""
    opened: list[str] = field(default_factory=list)  # watched files opened (in-process only)
    seconds: float = 0.0
    # an in-process prepare called a second time in the same process (PRE-007), when asked
    again: PrepareResult | None = None

    @property
    def outcome_text(self) -> str:
        """One line saying what prepare did, for any message."""
        if self.failed:
            return self.failure
        if self.problem:
            return self.problem
        return "produced an event"


# --------------------------------------------------------------------------- JSON shape


def json_problem(value: Any, where: str = "$") -> str | None:
    """Why ``value`` is not plain JSON data (dicts with string keys, lists, strings, finite numbers...)."""
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{where} is {value!r}, which JSON cannot carry"
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{where} has a key {key!r} that is not a string"
            found = json_problem(item, f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = json_problem(item, f"{where}[{index}]")
            if found:
                return found
        return None
    return f"{where} is a {type(value).__name__} ({value!r:.60}), not JSON data"


def _as_json(value: Any) -> Any:
    """Plain JSON data (tuples become lists, mappings dicts), as a command's output would parse."""
    return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False))


def parse_stdout(data: bytes, size: int, head: str) -> tuple[dict[str, Any] | None, str]:
    """The one JSON object a command printed, or why its stdout is not exactly that."""
    if size > len(data):
        return None, f"its stdout holds {size} bytes, more than the kit keeps: {head}"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return (
            None,
            f"its stdout is not UTF-8 ({exc.reason} at byte {exc.start}); it began with {head}",
        )
    if not text.strip():
        return None, "it printed nothing on stdout (the event goes to stdout)"
    try:
        value = strict_loads(text.strip(), unique=True)
    except ValueError as exc:
        return None, f"its stdout is not one JSON object ({exc}); it began with {head}"
    if not isinstance(value, dict):
        return (
            None,
            f"its stdout holds a JSON {json_type(value)}, not the event object; it began with {head}",
        )
    return value, ""


def looks_like_an_event(data: bytes) -> bool:
    """An error must leave stdout without an event: any JSON object, or the event type anywhere."""
    text = data.decode("utf-8", errors="replace")
    if EVENT_TYPE in text:
        return True
    try:
        return isinstance(json.loads(text.strip()), dict)
    except ValueError:
        return False


# --------------------------------------------------------------------------- watching opens (in-process)


@contextmanager
def watching_opens(paths: Sequence[Path], hits: list[str] | None = None) -> Iterator[list[str]]:
    """Record every open of one of ``paths`` by this process while the block runs (in ``hits``,
    which is also returned)."""
    hits = [] if hits is None else hits
    if not paths:
        yield hits
        return
    targets = frozenset(os.path.realpath(p) for p in paths)

    def record(event: str, args: tuple[object, ...]) -> None:
        if event != "open" or not args:
            return
        path = args[0]
        if not isinstance(path, (str, bytes, os.PathLike)):
            return  # a file descriptor
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (OSError, ValueError):
            return
        if real in targets:
            hits.append(os.fsdecode(path))

    with audit.watching(record):
        yield hits


@contextmanager
def refusing_httpx(attempts: list[str]) -> Iterator[None]:
    """Every httpx request is refused and recorded before it reaches a socket (names the URL)."""
    import httpx
    import respx

    def refuse(request: httpx.Request) -> httpx.Response:
        attempts.append(f"httpx {request.method} {request.url}")
        raise httpx.ConnectError(
            "kaizen-conformance: network access is forbidden here (PRE-005)", request=request
        )

    with respx.mock(assert_all_called=False, assert_all_mocked=False) as router:
        router.route().mock(side_effect=refuse)
        yield


@dataclass
class _PrepareCall:
    """One in-process call of prepare, as data (it pickles, for the zygote), its watches set
    in the call's own process: what they record there comes home with it."""

    function: Callable[[str, str], Any]
    repo: str
    agent: str
    watch: list[Path]
    opened: list[str]
    http_attempts: list[str]

    def __call__(self) -> Any:
        with watching_opens(self.watch, self.opened), refusing_httpx(self.http_attempts):
            # an async prepare does its work when awaited: inside the call, under the guards
            return awaited(self.function(self.repo, self.agent))


# --------------------------------------------------------------------------- the two roads


def call_prepare(
    settings: Settings,
    repo: str,
    agent: str,
    *,
    scratch: Path | None = None,
    cwd: Path | None = None,
    watch: Sequence[Path] = (),
    label: str = "prepare",
    again: bool = False,
) -> PrepareResult:
    """Run the configured prepare once on ``repo`` and ``agent``, offline, within the per-call limit.

    ``scratch`` is a fresh kit-owned directory for a command's offline guard (commands only). A
    command runs in ``cwd``, by default pytest's own working directory, like the user's other
    commands, so that relative paths in the command line (``python tools/prepare.py``) work.
    ``again`` calls an in-process prepare a second time in the same process, right after the
    first (``PrepareResult.again``), for PRE-007: what the first call left in the process (a
    cache) is there for the second, as in a long-lived service.
    """
    target = settings.target("prepare")
    assert target is not None
    if target.kind == "command":
        if scratch is None:
            raise ValueError(
                "a prepare command needs a fresh scratch directory for its offline guard"
            )
        return _run_command(settings, repo, agent, scratch=scratch, cwd=cwd)
    return _call(settings, repo, agent, watch=watch, label=label, again=again)


def _call(
    settings: Settings,
    repo: str,
    agent: str,
    *,
    watch: Sequence[Path],
    label: str,
    again: bool,
) -> PrepareResult:
    opened: list[str] = []
    http_attempts: list[str] = []
    call = _PrepareCall(
        settings.implementation("prepare"), repo, agent, list(watch), opened, http_attempts
    )
    # the watches record inside the call's process: what they saw comes home with it
    outcomes, socket_attempts = call_offline(
        [call] * (2 if again else 1),
        settings.timeout,
        label,
        memory_mib=settings.memory_mib,
        carry=[opened, http_attempts],
    )
    results, seen = [], [0, 0, 0]
    for outcome in outcomes:
        # each call's share of what the watches saw (they add up over the calls of one process)
        held = outcome.carried or [socket_attempts, opened, http_attempts]
        mine = [list(now[start:]) for now, start in zip(held, seen, strict=True)]
        seen = [len(now) for now in held]
        results.append(_judge_call(settings, outcome, mine[2] + mine[0], mine[1]))
    if again:
        results[0].again = results[1]
    return results[0]


def _judge_call(
    settings: Settings, outcome: CallOutcome, attempts: list[str], opened: list[str]
) -> PrepareResult:
    """What one in-process call of prepare did, as a result the checks judge."""
    enforcement = offline_enforcement("prepare", "callable")
    assert enforcement is not None  # prepare has an offline rule
    result = PrepareResult(via="callable", enforcement=enforcement["note"])
    result.network_attempts = attempts
    result.opened = opened
    result.seconds = outcome.seconds
    if outcome.over_limit:
        result.failed = result.timed_out = True
        result.failure = outcome.limit_text(settings.timeout, settings.origin("timeout"))
        return result
    if outcome.error is not None:
        error = outcome.error
        result.failed = True
        result.message = str(error)
        notes = getattr(error, "__notes__", None)
        if notes:
            result.message += "\n" + "\n".join(str(n) for n in notes)
        result.failure = f"raised {outcome.error_type}: {str(error)[:300]}"
        result.crashed = crashed_call(outcome.error_type)
        return result
    value = outcome.value
    result.printed = f"{value!r:.300}"
    if not isinstance(value, Mapping):
        result.problem = f"returned {type(value).__name__} {value!r:.120}, not the event as a dict"
        return result
    problem = json_problem(value)
    if problem:
        result.problem = f"returned a dict that is not JSON data: {problem}"
        return result
    result.event = _as_json(value)
    return result


def _run_command(
    settings: Settings, repo: str, agent: str, *, scratch: Path, cwd: Path | None
) -> PrepareResult:
    argv = command_argv(settings.command("prepare"), {"agent": agent, "repo": repo})
    env = command_environment()
    program = program_for(settings, argv)
    if program is None and unstartable(argv[0], cwd=cwd, path=env["PATH"]):
        # Checked here because, run inside a network namespace, a missing program is only unshare's exit 127.
        return PrepareResult(
            via="command",
            failed=True,
            never_ran=True,
            crashed=True,
            failure=f"could not start {argv[0]!r}: no such executable "
            f"(as seen from {cwd or os.getcwd()}, PATH included)",
        )
    if program is not None:  # a Click or Typer program named by --kaizen-cli: run in-process
        guarded = run_program(settings, program, argv, offline=True, label="prepare", cwd=cwd)
    else:
        guarded = run_command_offline(
            argv,
            limit=settings.timeout,
            scratch=scratch,
            cwd=cwd,
            env=env,
            memory_mib=settings.memory_mib,
        )
    outcome = guarded.outcome
    result = PrepareResult(
        via="command",
        network_attempts=list(guarded.network_attempts),
        enforcement=guarded.enforcement,
        seconds=outcome.seconds,
        printed=outcome.head("stdout"),
    )
    result.message = outcome.stderr.decode("utf-8", errors="replace")
    if not outcome.ok:
        result.failed = True
        result.timed_out = outcome.over_limit
        result.never_ran = bool(outcome.start_error)
        result.crashed = result.never_ran or crashed_command(outcome.returncode, result.message)
        result.failure = outcome.describe()
        result.printed_event = looks_like_an_event(outcome.stdout)
        return result
    event, problem = parse_stdout(outcome.stdout, outcome.stdout_size, outcome.head("stdout"))
    result.event, result.problem = event, f"exited 0, but {problem}" if problem else ""
    return result
