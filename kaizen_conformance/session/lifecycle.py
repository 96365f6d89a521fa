"""The start and end of a run of the kit's suite: stale reports, ``SIGTERM``, reruns under xdist.

A run that dies must not leave an earlier run's report behind under its own name, and a run
that is terminated must say so the way an interrupted one does. Both apply only to runs that
collect the kit's suite (``snapshot_guard.runs_the_kit``): a project keeping kaizen options in
its ini file runs its own tests as before.

- At configure time (in the controller under pytest-xdist, which alone writes the reports) the
  files at the requested report paths are removed. A report path is therefore either this run's
  complete report or absent; ``--kaizen-rerun-failed`` may name the file the run rewrites, so its
  rules are read first and handed to the xdist workers (``configure_node``).
- ``SIGTERM`` (what CI sends to cancel a job or on a timeout) raises ``KeyboardInterrupt`` in the
  main thread, as pytest does for ``SIGINT``: the run stops, the report says what was not run, and
  the status is pytest's "interrupted" (2). The handler that was there before is put back at
  unconfigure.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

import pytest

from kaizen_conformance.core.stash import settings_of
from kaizen_conformance.session import lookahead
from kaizen_conformance.session.snapshot_guard import runs_the_kit

# The rules --kaizen-rerun-failed selects, read once at configure time.
RERUN_RULES = pytest.StashKey[frozenset[str]]()
# The SIGTERM handler the kit replaced, put back at unconfigure.
PREVIOUS_SIGTERM = pytest.StashKey[Any]()
# How the rules reach an xdist worker (its ``workerinput``).
RERUN_RULES_INPUT = "kaizen_rerun_rules"


def start(config: pytest.Config) -> None:
    """Read the rerun rules, clear stale reports (not in a worker), take over ``SIGTERM``."""
    if not runs_the_kit(config):
        return
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None:
        settings = settings_of(config)
        if settings.options.rerun_failed:
            from kaizen_conformance.reports.files import rules_failed_in

            config.stash[RERUN_RULES] = frozenset(
                rules_failed_in(settings.options.rerun_failed, settings.named("rerun_failed"))
            )
        from kaizen_conformance.reports.files import clear_stale_reports

        clear_stale_reports(settings)
    elif RERUN_RULES_INPUT in workerinput:
        config.stash[RERUN_RULES] = frozenset(workerinput[RERUN_RULES_INPUT])
    take_over_sigterm(config)
    lookahead.start(config)


def finish(config: pytest.Config) -> None:
    """End the lookahead (if the session did not), put back the ``SIGTERM`` handler the kit replaced."""
    lookahead.finish(config)
    if PREVIOUS_SIGTERM not in config.stash:
        return
    previous = config.stash[PREVIOUS_SIGTERM]
    del config.stash[PREVIOUS_SIGTERM]
    if signal.getsignal(signal.SIGTERM) is interrupt:  # only ours: never undo someone else's
        # None: a handler set outside Python, which cannot be put back; the default is closest
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def configure_node(config: pytest.Config, workerinput: dict[str, Any]) -> None:
    """Hand the rerun rules to an xdist worker: the file they came from may be gone by now."""
    rules = config.stash.get(RERUN_RULES, None)
    if rules is not None:
        workerinput[RERUN_RULES_INPUT] = sorted(rules)


def rerun_rules(config: pytest.Config) -> frozenset[str] | None:
    """The rules read at configure time, or None when they were not (a run of another kind)."""
    return config.stash.get(RERUN_RULES, None)


def take_over_sigterm(config: pytest.Config) -> None:
    # signal handlers belong to the main thread; a run started in another thread keeps the default
    if threading.current_thread() is not threading.main_thread():
        return
    config.stash[PREVIOUS_SIGTERM] = signal.signal(signal.SIGTERM, interrupt)


def interrupt(signum: int, frame: FrameType | None) -> None:
    """``SIGTERM`` as ``SIGINT``: stop the run where it is; the report says what did not run."""
    raise KeyboardInterrupt(f"terminated by {signal.Signals(signum).name}")
