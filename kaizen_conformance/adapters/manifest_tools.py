"""Calling ``schedule validate``, ``init`` and ``list``, in-process or as commands (contract section 5).

``--kaizen-validate=module:function`` is called ``function(repo)`` and returns on valid, raises
on invalid; ``--kaizen-validate-cmd='CMD {repo}'`` exits 0 on valid, non-zero with the reason
on stderr. ``init`` is the same shape: returning (exit 0) means it wrote the scaffold, raising
(non-zero) means it refused. ``list`` too, and what it returns (prints: one JSON array) is the
list of agents. ``repo`` is the checkout's absolute path, as a string.

Whatever the tool does (returns, raises, hangs, dies on a signal, prints megabytes) becomes a
``ToolRun`` whose every text is bounded, so that failure messages stay readable and the run
goes on. validate and list run offline (VAL-003, LST-003): network use is refused and
recorded (``adapters.offline`` says how); init is not held to that, so it runs unguarded.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaizen_conformance.adapters.cli_apps import program_for, run_program
from kaizen_conformance.adapters.offline import offline_enforcement
from kaizen_conformance.adapters.programs import command_environment
from kaizen_conformance.adapters.settling import awaited
from kaizen_conformance.core.checks import FailureKind, crashed_call, crashed_command
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.runtime import sandbox
from kaizen_conformance.runtime.calls import CallOutcome, call_with_limit
from kaizen_conformance.runtime.commands import (
    CommandOutcome,
    command_argv,
    run_command,
    unstartable,
)

HEAD = 300  # characters of any output quoted in a message
KEEP = 1 << 16  # characters of in-process output kept; the rest is only counted
TRACEBACK = "Traceback (most recent call last):"

SUCCEEDED, FAILED, TIMED_OUT, CRASHED = "succeeded", "failed", "timed out", "crashed"


class _BoundedText(io.TextIOBase):
    """A text stream that keeps the first KEEP characters and counts the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[str] = []
        self.room = KEEP
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        self.size += len(text)
        if self.room > 0:
            self.kept.append(text[: self.room])
            self.room -= len(self.kept[-1])
        return len(text)

    def text(self) -> str:
        return "".join(self.kept)

    def __reduce__(self) -> tuple[Any, ...]:
        # an io stream does not pickle by default; this one is plain data (for the zygote)
        return (type(self), (), dict(vars(self)))


@dataclass
class _ToolCall:
    """One in-process call of validate, init or list, as data (it pickles, for the zygote):
    what it prints is captured inside the call's own process and comes home with it."""

    function: Callable[[str], Any]
    repo: str
    stdout: _BoundedText
    stderr: _BoundedText

    def __call__(self) -> Any:
        with redirect_stdout(self.stdout), redirect_stderr(self.stderr):
            # an async implementation does its work when awaited: inside the call, within its limits
            return awaited(self.function(self.repo))


def quote_head(text: str, size: int, limit: int = HEAD) -> str:
    """``text`` cut to ``limit`` characters, quoted, with the full size when it was cut."""
    more = f" ... ({size} characters in all)" if size > limit else ""
    return f"{text[:limit]!r}{more}"


@dataclass
class ToolRun:
    """One call of validate or init, reduced to what the checks judge.

    ``status``: ``succeeded`` (returned / exit 0), ``failed`` (raised / non-zero exit: the
    contract's rejection or refusal), ``timed out`` (still running at the per-call limit) or
    ``crashed`` (killed by a signal, or the command could not start: no answer at all).
    ``message`` is the reason given on failure: the exception's text (plus anything the
    callable wrote on stderr) or the command's stderr.
    """

    via: str  # "callable" or "command"
    status: str
    message: str = ""
    stdout: str = ""
    stdout_size: int = 0
    stderr: str = ""
    stderr_size: int = 0
    returned: Any = None
    error_type: str = ""
    error_tail: str = ""  # the last lines of a callable's traceback
    network_attempts: list[str] = field(default_factory=list)
    enforcement: str = ""
    how: str = ""  # one line: how the call ended
    started: bool = True  # False when the command could not start: then no boundary can be judged
    returncode: int | None = (
        None  # a command's exit status (None: killed at the limit, or a callable)
    )

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    @property
    def answered(self) -> bool:
        """It gave the contract's answer (success or failure), neither hanging nor dying."""
        return self.status in (SUCCEEDED, FAILED)

    @property
    def traceback(self) -> bool:
        """A command whose failure is a Python traceback crashed rather than explained itself."""
        return self.via == "command" and TRACEBACK in self.stderr

    @property
    def broke(self) -> bool:
        """It failed as broken code does (wrong arity, a missing module, an uncaught exception),
        which is no rejection or refusal, whatever the contract would have wanted."""
        if self.status == CRASHED:
            return True
        if self.status != FAILED:
            return False
        if self.via == "callable":
            return crashed_call(self.error_type)
        return crashed_command(self.returncode, self.stderr)

    @property
    def failure_kind(self) -> FailureKind:
        """What a run that gave no acceptable answer did: ran past the limit, crashed, or answered."""
        if self.status == TIMED_OUT:
            return FailureKind.OVER_LIMIT
        return FailureKind.CRASHED if self.broke else FailureKind.WRONG_ANSWER

    def detail(self) -> str:
        """How the call ended, with bounded quotes of what it said: for failure messages."""
        lines = [self.how, self.error_tail]
        if self.stderr_size:
            lines.append(f"stderr {quote_head(self.stderr, self.stderr_size)}")
        if self.stdout_size and not self.succeeded:
            lines.append(f"stdout {quote_head(self.stdout, self.stdout_size)}")
        return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------- in-process


def call_tool(
    settings: Settings,
    role: str,
    repo: Path,
    label: str,
    *,
    offline: bool,
) -> ToolRun:
    """Call ``function(repo)`` in-process within the per-call limit, capturing what it prints."""
    stdout, stderr = _BoundedText(), _BoundedText()
    call = _ToolCall(settings.implementation(role), str(repo), stdout, stderr)
    attempts: list[str] = []
    if offline:
        (outcome,), attempts = sandbox.call_offline(
            [call], settings.timeout, label, memory_mib=settings.memory_mib, carry=[stdout, stderr]
        )
    else:
        outcome = call_with_limit(
            call, settings.timeout, label, memory_mib=settings.memory_mib, carry=[stdout, stderr]
        )
    run = ToolRun(
        "callable",
        status=_call_status(outcome),
        stdout=stdout.text(),
        stdout_size=stdout.size,
        stderr=stderr.text(),
        stderr_size=stderr.size,
        returned=outcome.value,
        network_attempts=attempts,
        enforcement=(offline_enforcement(role, "callable") or {}).get("note", "")
        if offline
        else "",
    )
    if outcome.over_memory:
        run.how = outcome.limit_text(settings.timeout, settings.origin("timeout"))
    elif outcome.timed_out:
        ended = "stopped" if outcome.isolated else "abandoned (a thread cannot be killed)"
        run.how = (
            f"still running after {settings.timeout:g} s, the per-call limit "
            f"({settings.origin('timeout')}); the call was {ended}"
        )
    elif outcome.failed:
        error = outcome.error
        run.error_type = outcome.error_type
        run.message = "\n".join(part for part in (str(error), stderr.text()) if part)
        run.error_tail = "\n".join(outcome.error_text.splitlines()[-6:])[: HEAD * 4]
        run.how = f"raised {run.error_type}: {quote_head(str(error), len(str(error)))}"
    else:
        run.how = f"returned {outcome.value!r:.80} after {outcome.seconds:.2f} s"
    return run


def _call_status(outcome: CallOutcome) -> str:
    if outcome.over_limit:
        return TIMED_OUT
    return FAILED if outcome.failed else SUCCEEDED


# --------------------------------------------------------------------------- commands


def run_tool(
    settings: Settings,
    role: str,
    repo: Path,
    *,
    scratch: Callable[[], Path],
    offline: bool,
) -> ToolRun:
    """Run ``CMD {repo}`` within the per-call limit.

    ``scratch`` makes a kit-owned directory (never inside the checkout's tree) for what the
    offline guard injects; it is only asked for when the command runs offline.
    """
    argv = command_argv(settings.command(role), {"repo": str(repo)})
    env = command_environment()
    program = program_for(settings, argv)
    missing = "" if program is not None else unstartable(argv[0], path=env["PATH"])
    if missing:
        how = f"could not start {argv[0]!r}: {missing} (command: {' '.join(argv)[:200]})"
        return ToolRun("command", status=CRASHED, how=how, started=False)
    attempts: list[str] = []
    enforcement = ""
    if program is not None:  # a Click or Typer program named by --kaizen-cli: run in-process
        guarded = run_program(settings, program, argv, offline=offline, label=role)
        outcome, attempts, enforcement = (
            guarded.outcome,
            guarded.network_attempts,
            guarded.enforcement,
        )
    elif offline:
        guarded = sandbox.run_command_offline(
            argv,
            limit=settings.timeout,
            scratch=scratch(),
            env=env,
            memory_mib=settings.memory_mib,
        )
        outcome, attempts, enforcement = (
            guarded.outcome,
            guarded.network_attempts,
            guarded.enforcement,
        )
    else:
        outcome = run_command(argv, limit=settings.timeout, env=env, memory_mib=settings.memory_mib)
    stdout = outcome.stdout.decode("utf-8", errors="replace")
    stderr = outcome.stderr.decode("utf-8", errors="replace")
    run = ToolRun(
        "command",
        status=_command_status(outcome),
        message=stderr if outcome.returncode not in (None, 0) else "",
        stdout=stdout,
        stdout_size=outcome.stdout_size,
        stderr=stderr,
        stderr_size=outcome.stderr_size,
        network_attempts=attempts,
        enforcement=enforcement,
        started=not outcome.start_error,
        returncode=outcome.returncode,
    )
    run.how = _command_how(outcome, settings)
    return run


def _command_status(outcome: CommandOutcome) -> str:
    if outcome.start_error:
        return CRASHED
    if outcome.over_limit:
        return TIMED_OUT
    if outcome.returncode is not None and outcome.returncode < 0:
        return CRASHED  # killed by a signal: no answer, whatever the verdict would have been
    return SUCCEEDED if outcome.returncode == 0 else FAILED


def _command_how(outcome: CommandOutcome, settings: Settings) -> str:
    command = " ".join(outcome.argv)[:200]
    if outcome.start_error:
        return f"could not start {outcome.argv[0]!r}: {outcome.start_error} (command: {command})"
    if outcome.timed_out:
        return (
            f"still running after {settings.timeout:g} s, the per-call limit "
            f"({settings.origin('timeout')}): killed with every process it "
            f"started (command: {command})"
        )
    if outcome.over_memory:
        return f"{outcome.describe()} (command: {command})"
    if outcome.returncode is not None and outcome.returncode < 0:
        return f"killed by signal {-outcome.returncode} after {outcome.seconds:.2f} s (command: {command})"
    return f"exit {outcome.returncode} after {outcome.seconds:.2f} s (command: {command})"


# --------------------------------------------------------------------------- the two roles


def validate(settings: Settings, repo: Path, label: str, scratch: Callable[[], Path]) -> ToolRun:
    """Run the configured validator on ``repo``, offline (VAL-003)."""
    return _dispatch(settings, "validate", repo, label, scratch, offline=True)


def list_agents(settings: Settings, repo: Path, label: str, scratch: Callable[[], Path]) -> ToolRun:
    """Run the configured ``schedule list`` on ``repo``, offline (LST-003)."""
    return _dispatch(settings, "list", repo, label, scratch, offline=True)


def init(settings: Settings, repo: Path, label: str, scratch: Callable[[], Path]) -> ToolRun:
    """Run the configured init on ``repo``."""
    return _dispatch(settings, "init", repo, label, scratch, offline=False)


def _dispatch(
    settings: Settings,
    role: str,
    repo: Path,
    label: str,
    scratch: Callable[[], Path],
    *,
    offline: bool,
) -> ToolRun:
    target = settings.target(role)
    assert target is not None, f"the {role} role is not configured"
    runners: dict[str, Callable[[], ToolRun]] = {
        "callable": lambda: call_tool(settings, role, repo, label, offline=offline),
        "command": lambda: run_tool(settings, role, repo, scratch=scratch, offline=offline),
    }
    return runners[target.kind]()
