"""Whether a role's command can start at all, asked once before any of its checks run.

A program that is not installed (or not executable) never runs, so every check of the role
would fail the same way and none would say anything about a rule: it is a configuration error
of the run, named once with the option to fix.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import os
import sys

from kaizen_conformance.adapters.cli_apps import program_for
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.runtime.commands import unstartable


def search_path(role: str) -> str:
    """The PATH the role's command is looked up on: the resolver's runs with this Python's
    scripts directory first (adapters.resolver.command_env); the others with the caller's."""
    path = os.environ.get("PATH", "")
    if role == "resolver":
        scripts = os.path.dirname(sys.executable)
        path = scripts + (os.pathsep + path if path else "")
    return path


def missing_program(settings: Settings, role: str) -> str:
    """Why the command configured for ``role`` cannot start, with the fix; "" when it can (or
    when the role is not given as a command, or its program is itself a placeholder)."""
    target = settings.target(role)
    if target is None or target.kind != "command":
        return ""
    argv = settings.command(role)
    program = argv[0] if argv else ""
    if program_for(settings, argv) is not None:
        return ""  # a Click or Typer app named by --kaizen-cli: it runs in-process
    if "{" in program:
        return ""  # filled per case: only the call itself can tell
    why = unstartable(program, path=search_path(role))
    if not why:
        return ""
    if os.sep in program:
        where = f"from {os.getcwd()}"
    elif role == "resolver":
        where = f"in {os.path.dirname(sys.executable)}, then on PATH"
    else:
        where = "on PATH"
    return (
        f"the {role} command cannot start: its program {program!r} is not there or cannot run "
        f"({why}; looked up {where}), so no {role} rule can be checked. Fix {settings.named(f'{role}_cmd')}: install the "
        "program, make it executable, or name it with its full path (the kit runs the command "
        "without a shell)"
    )
