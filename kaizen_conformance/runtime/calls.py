"""Calling untrusted implementations: bounded in time, failures captured, never fatal to the run."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class CallOutcome:
    """What one call did: returned ``value``, raised ``error``, or ran past the limit."""

    value: Any = None
    error: BaseException | None = None
    error_text: str = ""
    timed_out: bool = False
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.error is not None


def call_with_limit(function: Callable[[], Any], limit: float, label: str) -> CallOutcome:
    """Run ``function`` in a daemon thread and wait at most ``limit`` seconds.

    A thread cannot be killed; one that runs past the limit is abandoned (daemon threads
    never hold up interpreter exit) and the case fails. Everything the kit itself makes such
    a thread wait on (a stalled hub double) is released at the end of the case.
    """
    outcome = CallOutcome()
    started = time.perf_counter()

    def target() -> None:
        try:
            outcome.value = function()
        except BaseException as exc:  # noqa: BLE001 - an implementation may raise anything
            outcome.error = exc
            outcome.error_text = "".join(traceback.format_exception(exc)).rstrip()

    worker = threading.Thread(target=target, name=f"kaizen-call {label}", daemon=True)
    worker.start()
    worker.join(limit)
    outcome.seconds = time.perf_counter() - started
    if worker.is_alive():
        outcome.timed_out = True
    return outcome
