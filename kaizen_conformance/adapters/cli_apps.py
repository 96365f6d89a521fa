"""A ``-cmd`` template's program run in-process: a Python CLI built with Click or Typer.

``--kaizen-cli=kaizen-agentic=kaizen_agentic.cli:app`` names the app a program is. A template
whose program (its first word, after the usual shell-like split) is a named one is not started
as a process: the kit calls the app in a child process forked from the kit, the way the
program's console script would (``sys.exit(app())``), with the same argv, stdin closed (read
from ``/dev/null``), stdout and stderr on pipes the kit drains and bounds as it does a
command's, in the command's working directory and environment. The exit status is the one the
interpreter would give: ``SystemExit``'s code (``None`` 0, a number modulo 256, anything else
printed on stderr and 1), 1 after an uncaught exception printed by ``sys.excepthook`` (Typer's
pretty traceback included). What comes back is the command's ``CommandOutcome``, so every check
judges both forms alike.

Why: a Typer or Click program pays its interpreter and imports (0.1-0.3 s) on every call, and
a role runs several hundred calls. Forked from the kit, which imported the app once, a call
costs a few milliseconds. The call runs inside the in-process isolation (``runtime.calls``):
the time and memory limits, offline (``runtime.sandbox.call_offline``) for the offline roles,
everything it started ended with it, nothing it changed left in the kit. Where calls cannot run
in a child process (no ``fork``), the command runs as a command.

Click and Typer are imported only through the app (duck typing): they are not the kit's
dependencies.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaizen_conformance.core.options import CLI_SPEC
from kaizen_conformance.core.settings import Settings, named
from kaizen_conformance.core.targets import TargetError, load_target
from kaizen_conformance.runtime.calls import CallOutcome, call_with_limit, isolation_available
from kaizen_conformance.runtime.commands import CommandOutcome, Stream
from kaizen_conformance.runtime.forked import memory_error
from kaizen_conformance.runtime.sandbox import GuardedCommand, call_offline, enforcement_for

COMMAND_ROLES = ("prepare", "validate", "init", "list")
RUN_STARTED = time.time()  # imported at configure, before any implementation call
DRAIN_GRACE = 5.0  # seconds to read what is left in the pipes once the call has ended
# The warnings filters of a fresh interpreter (no -W, no PYTHONWARNINGS): what a command runs under.
FRESH_WARNING_FILTERS: tuple[tuple[str, type[Warning], str], ...] = (
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, ""),
    ("ignore", PendingDeprecationWarning, ""),
    ("ignore", ImportWarning, ""),
    ("ignore", ResourceWarning, ""),
)


class CliAppError(Exception):
    """A ``--kaizen-cli`` value that cannot work; the text names the option and the fix."""


@dataclass(frozen=True)
class NamedProgram:
    """One ``--kaizen-cli`` value: the program's name as templates spell it, and its app."""

    program: str
    spec: str  # module:attribute
    origin: str  # "--kaizen-cli" or "ini kaizen_cli"

    @property
    def named(self) -> str:
        return named(self.origin, f"{self.program}={self.spec}")


def named_programs(settings: Settings) -> dict[str, NamedProgram]:
    """Program name -> what ``--kaizen-cli`` says it is (the last value wins for a name)."""
    origin = settings.origin("cli")
    found: dict[str, NamedProgram] = {}
    for value in settings.options.cli or ():
        match = CLI_SPEC.match(value)
        if match is None:  # the option's parser refused it already; kept for a direct caller
            raise CliAppError(f"{named(origin, value)}: not of the form PROGRAM=module:attribute")
        found[match[1]] = NamedProgram(match[1], match[2], origin)
    return found


def app_kind(app: Any) -> str:
    """``typer`` or ``click`` for an app of that framework (by its shape), "" for anything else."""
    if hasattr(app, "registered_commands") and hasattr(app, "registered_groups") and callable(app):
        return "typer"
    if callable(getattr(app, "main", None)) and callable(getattr(app, "make_context", None)):
        return "click"
    return ""


def click_command(app: Any) -> Any:
    """The Click command an app is: itself, or Typer's conversion (``typer.main.get_command``)."""
    if app_kind(app) != "typer":
        return app
    from typer.main import get_command  # the app's own framework, installed with it

    return get_command(app)


def template_program(settings: Settings, role: str) -> str:
    """The program of ``role``'s command template (its first word), "" when none is set."""
    target = settings.target(role)
    if target is None or target.kind != "command":
        return ""
    words = settings.command(role)
    return words[0] if words else ""


def check_programs(settings: Settings) -> None:
    """Every ``--kaizen-cli`` value names an importable Click or Typer app that a template runs."""
    used = {template_program(settings, role): role for role in COMMAND_ROLES}
    used.pop("", None)
    for program in named_programs(settings).values():
        if program.program not in used:
            templates = ", ".join(
                f"{settings.origin(role + '_cmd')} runs {name!r}" for name, role in used.items()
            )
            raise CliAppError(
                f"{program.named}: no command template runs {program.program!r}"
                + (f" ({templates})" if templates else " (no --kaizen-*-cmd is given)")
                + ". Name the program exactly as the first word of a --kaizen-prepare-cmd, "
                "--kaizen-validate-cmd, --kaizen-init-cmd or --kaizen-list-cmd template, or drop "
                "the option"
            )
        app = _load(settings, program)
        if not app_kind(app):
            raise CliAppError(
                f"{program.named}: {type(app).__name__} object is neither a Click command nor a "
                "Typer app. Name the object the program's console script calls (for example "
                "`app = typer.Typer()` or a `@click.group()` function), or drop the option to run "
                "the command as a command"
            )
        try:
            click_command(app)
        except Exception as exc:  # noqa: BLE001 - the user's app may fail to convert
            raise CliAppError(
                f"{program.named}: Typer cannot turn it into a Click command: "
                f"{type(exc).__name__}: {exc}"
            ) from None


def _load(settings: Settings, program: NamedProgram) -> Any:
    key = f"cli:{program.program}"
    if key not in settings.loaded:
        try:
            settings.loaded[key] = load_target(program.spec, search=(Path.cwd(), settings.rootpath))
        except TargetError as exc:
            raise CliAppError(
                f"{program.named}: {exc}; or drop the option to run the command as a command"
            ) from None
    return settings.loaded[key]


def _command(settings: Settings, program: NamedProgram) -> Any:
    """The program's Click command, built once in the kit (a Typer app builds it on every call)."""
    key = f"cli-command:{program.program}"
    if key not in settings.loaded:
        settings.loaded[key] = click_command(_load(settings, program))
    return settings.loaded[key]


def _typer_reuses(app: Any, command: Any) -> None:
    """In the call's own process: Typer's ``app()`` finds the Click command the kit built.

    ``Typer.__call__`` converts the app anew on each call (milliseconds a call, several hundred
    calls); the conversion depends on the app alone, so the one made in the kit is the same.
    Everything else ``app()`` does (its exception hook, its pretty tracebacks) is kept. Where
    Typer looks the conversion up otherwise, the call converts anew, as before.
    """
    main = sys.modules.get("typer.main")
    convert = getattr(main, "get_command", None)
    if main is None or convert is None:
        return

    def get_command(typer_instance: Any) -> Any:
        return command if typer_instance is app else convert(typer_instance)

    main.get_command = get_command  # type: ignore[attr-defined]


def program_for(settings: Settings, argv: Sequence[str]) -> NamedProgram | None:
    """The named program ``argv`` runs, when it runs in-process here; None: run it as a command."""
    if not argv or not settings.options.cli or not isolation_available():
        return None
    return named_programs(settings).get(argv[0])


def runs_in_process(settings: Settings, role: str) -> bool:
    """Whether ``role``'s command template runs a named program in-process on this machine."""
    if not settings.options.cli:
        return False  # no program named: nothing runs in-process (and no template is read)
    program = template_program(settings, role)
    return bool(program) and program_for(settings, [program]) is not None


# --------------------------------------------------------------------------- the call


def run_program(
    settings: Settings,
    program: NamedProgram,
    argv: Sequence[str],
    *,
    offline: bool,
    label: str,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> GuardedCommand:
    """Run ``argv`` (its program named by ``--kaizen-cli``) in-process, as the command would run.

    ``offline`` holds the call offline as ``call_offline`` holds a callable (the attempts come
    back in the result). ``cwd`` and ``env`` are the command's (default: the kit's).
    """
    app = _load(settings, program)
    command = _command(settings, program)
    prog_name = os.path.basename(argv[0])
    stdout, stderr = _Drain(), _Drain()

    def invoke() -> tuple[int, list[str]]:
        _become_the_program(argv, stdout.write_end, stderr.write_end, cwd, env)
        if command is not app:
            _typer_reuses(app, command)
        before = set(sys.modules)
        try:
            status = _as_program(app, list(argv[1:]), prog_name)
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
        return status, sorted(set(sys.modules) - before)

    attempts: list[str] = []
    try:
        if offline:
            (outcome,), attempts = call_offline(
                [invoke], settings.timeout, label, memory_mib=settings.memory_mib
            )
        else:
            outcome = call_with_limit(
                invoke, settings.timeout, label, memory_mib=settings.memory_mib
            )
    finally:
        stdout.finish()
        stderr.finish()
    if outcome.value is not None and not outcome.failed:
        learn_imports(outcome.value[1])
    result = _as_command_outcome(outcome, list(argv), settings.memory_mib)
    stdout.stream.into(result, "stdout")
    stderr.stream.into(result, "stderr")
    if outcome.failed and not outcome.over_memory:
        # the call's process ended without an answer (os._exit, a crash in native code)
        note = f"\n[kaizen-conformance: {outcome.error_type}: {outcome.error}]\n".encode()
        result.stderr += note
        result.stderr_size += len(note)
    return GuardedCommand(result, attempts, enforcement_for("callable")["note"] if offline else "")


def _as_command_outcome(outcome: CallOutcome, argv: list[str], memory_mib: int) -> CommandOutcome:
    """What the call did, as the command runner says what a command did."""
    result = CommandOutcome(argv, seconds=outcome.seconds, memory_mib=memory_mib)
    if outcome.timed_out:
        result.timed_out = True
    elif outcome.over_memory:
        # as a Python command that ran out: a MemoryError, exit 1, named over-limit
        result.returncode, result.over_memory = 1, True
    elif outcome.failed:
        result.returncode = 1
    else:
        result.returncode = int(outcome.value[0])
    return result


def learn_imports(names: Sequence[str]) -> None:
    """Import into the kit the modules a call imported, so the next calls find them imported.

    Frameworks import much on a program's first call (Typer imports pydantic to convert
    parameters): in a child process forked for each call that would be paid on every call,
    compiled from source where ``PYTHONDONTWRITEBYTECODE`` is set. Only modules of files that
    were there before the run started are imported (their inode change time says so, which no
    call can set back), so a module a call wrote is never run in the kit.
    """
    for name in names:
        if name in sys.modules or not _installed_before_the_run(name):
            continue
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that imports only in its program's context
            continue


def _installed_before_the_run(name: str) -> bool:
    try:
        spec = importlib.util.find_spec(name)
    except Exception:  # noqa: BLE001 - its parent package failed to import
        return False
    if spec is None or spec.origin is None:
        return False
    if spec.origin in ("built-in", "frozen"):
        return True
    try:
        return os.stat(spec.origin).st_ctime < RUN_STARTED
    except OSError:
        return False


class _Drain:
    """A pipe the call writes one stream to, read by a thread of the kit as a command's is."""

    def __init__(self) -> None:
        self.read_end, self.write_end = os.pipe()
        self.stream = Stream()
        self._reader = threading.Thread(target=self._read, name="kaizen-cli-drain", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                block = os.read(self.read_end, 65536)
            except OSError:
                return
            if not block:
                return
            self.stream.keep(block)

    def finish(self) -> None:
        """The call is over (and all it started ended): read to the end, then close."""
        os.close(self.write_end)
        self._reader.join(DRAIN_GRACE)
        os.close(self.read_end)


def _become_the_program(
    argv: Sequence[str],
    stdout_fd: int,
    stderr_fd: int,
    cwd: str | os.PathLike[str] | None,
    env: Mapping[str, str] | None,
) -> None:
    """In the call's own process: the standard streams, argv, directory and environment a
    freshly started command would have (the process ends with the call, so nothing is restored)."""
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(stdout_fd, 1)
    os.dup2(stderr_fd, 2)
    # layered as the interpreter layers them: text over a buffer over the descriptor
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), "utf-8")
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(1, "w", closefd=False)), "utf-8", errors="strict"
    )
    sys.stderr = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(2, "w", closefd=False)),
        "utf-8",
        errors="backslashreplace",
        line_buffering=True,
    )
    sys.argv = list(argv)
    if cwd is not None:
        os.chdir(cwd)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    _fresh_logging_and_warnings()


def _fresh_logging_and_warnings() -> None:
    """Log records and warnings reach stderr as in a fresh interpreter, not pytest's capture."""
    import logging

    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(logging.WARNING)
    warnings.resetwarnings()
    for action, category, module in reversed(FRESH_WARNING_FILTERS):
        warnings.filterwarnings(action, category=category, module=module)  # type: ignore[arg-type]

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

    warnings.showwarning = show


def _as_program(app: Callable[..., Any], args: list[str], prog_name: str) -> int:
    """Call ``app`` as its console script does (``sys.exit(app())``): the exit status it gives."""
    try:
        returned = app(args=args, prog_name=prog_name)
    except SystemExit as exc:
        return exit_status(exc.code)
    except BaseException as exc:  # as the interpreter does, whatever the app raised
        if memory_error(exc):
            raise  # over-limit, as the kit reports a call that ran out of its budget
        sys.excepthook(type(exc), exc, exc.__traceback__)
        return 1
    return exit_status(returned)


def exit_status(code: object) -> int:
    """The process exit status ``sys.exit(code)`` gives, printing what the interpreter prints."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(Exception):
        print(code, file=sys.stderr)
    return 1
