"""Seeding a hub without Python: ``--kaizen-hub-seed-cmd='CMD {hub_url}'``.

A hub written in any language seeds itself with a program of its own: the kit runs the
command once per case, with the case's records as one JSON array on stdin, and the command
makes them the hub's whole data (through an admin endpoint, or straight into its store). It
runs like every command of the kit: without a shell, bounded by ``--kaizen-timeout`` and
``--kaizen-memory``, with this Python's scripts directory first on PATH, and ended with
everything it started. Exit 0 means seeded; anything else fails the seeding exactly as a seed
function that raises (``SeedFailure``).

The records are written to a file first, which becomes the command's stdin (no pipe to keep
fed while the command runs, and any size reaches it whole); the file's path is also in
``$KAIZEN_HUB_RECORDS``.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import os
import shlex
import string
import sys
import tempfile
from typing import TYPE_CHECKING, Any

import pytest

from kaizen_conformance.runtime.commands import command_argv, run_command, unstartable

if TYPE_CHECKING:
    from kaizen_conformance.core.settings import Settings

FIELDS = ("hub_url",)
RECORDS_ENV = "KAIZEN_HUB_RECORDS"
HUB_URL_ENV = "KAIZEN_HUB_URL"


class SeedFailure(Exception):
    """The seed (function or command) could not replace the hub's data for one case.

    Whether that is a configuration error or the hub's failure is the role's decision (a seed
    that works for other cases but fails on a value the contract allows is the hub's failure):
    ``timed_out`` says the seed never answered, ``evidence`` is what it said (exception text and
    traceback, or stderr), where the value it choked on may be named.
    """

    def __init__(self, message: str, *, timed_out: bool = False, evidence: str = "") -> None:
        super().__init__(message)
        self.timed_out = timed_out
        self.evidence = evidence or message


def template(settings: Settings) -> list[str]:
    spec = settings.options.hub_seed_cmd
    assert spec is not None
    return shlex.split(spec)


def check_seed_command(settings: Settings, hub_kind: str) -> None:
    """Fail at configure time, naming the option, on a seed command that cannot work."""
    named = settings.named("hub_seed_cmd")
    if hub_kind != "url":
        raise pytest.UsageError(
            f"{named} seeds a hub served at --kaizen-hub-url; an in-process app is seeded by "
            "--kaizen-hub-seed=module:function (it receives the app object)"
        )
    try:
        words = template(settings)
    except ValueError as exc:
        raise pytest.UsageError(f"{named}: cannot split it like a shell: {exc}") from None
    if not words:
        raise pytest.UsageError(f"{named}: the command is empty")
    for word in words:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(word) if name is not None}
        except ValueError as exc:
            raise pytest.UsageError(
                f"{named}: {word!r}: {exc} (write a literal brace as {{{{ or }}}})"
            ) from None
        unknown = names - set(FIELDS)
        if unknown:
            raise pytest.UsageError(
                f"{named}: unknown placeholder {{{sorted(unknown)[0]}}}; a seed command has only "
                "{hub_url} (the records come on stdin)"
            )


def seed_env(hub_url: str, records_file: str) -> dict[str, str]:
    """The caller's environment, the hub URL and the records' file, this Python's scripts first on PATH."""
    env = dict(os.environ)
    env[HUB_URL_ENV] = hub_url
    env[RECORDS_ENV] = records_file
    scripts = os.path.dirname(sys.executable)
    path = env.get("PATH", "")
    if path.split(os.pathsep)[0] != scripts:
        env["PATH"] = scripts + (os.pathsep + path if path else "")
    return env


def run_seed_command(settings: Settings, hub_url: str, records: list[Any], case: str) -> None:
    """Run the seed command for ``case`` with ``records`` on stdin; raise SeedFailure unless it exits 0."""
    argv = command_argv(template(settings), {"hub_url": hub_url})
    where = f"{settings.named('hub_seed_cmd')} (run for case {case}, the records on stdin)"
    env_path = seed_env(hub_url, "")["PATH"]
    problem = unstartable(argv[0], path=env_path)
    if problem:
        raise SeedFailure(
            f"{where} could not start {argv[0]!r}: {problem} (it runs without a shell, "
            f"with {os.path.dirname(sys.executable)} first on PATH)"
        )
    with tempfile.TemporaryDirectory(prefix="kaizen-hub-seed-") as scratch:
        records_file = os.path.join(scratch, "records.json")
        with open(records_file, "w", encoding="utf-8") as handle:
            json.dump(records, handle, ensure_ascii=False)
        outcome = run_command(
            argv,
            limit=settings.timeout,
            env=seed_env(hub_url, records_file),
            memory_mib=settings.memory_mib,
            stdin_file=records_file,
        )
    if outcome.ok:
        return
    stderr = outcome.stderr.decode("utf-8", errors="replace")
    if outcome.timed_out:
        raise SeedFailure(
            f"{where} did not exit within the per-call limit of {settings.timeout:g} s "
            f"({settings.origin('timeout')}); killed with every process it started",
            timed_out=True,
        )
    raise SeedFailure(f"{where} failed: {outcome.describe()}", evidence=stderr)
