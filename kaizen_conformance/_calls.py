"""Calling untrusted implementations: bounded in time, failures captured, never fatal to the run."""

from __future__ import annotations

import importlib
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


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


class TargetError(Exception):
    """A ``module:attribute`` option that does not name a usable object."""


def load_target(spec: str, *, search: tuple[Path, ...] = ()) -> Any:
    """Import ``module:attribute``, as ``python -m pytest`` would from the current directory."""
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        extra = [str(p) for p in search if str(p) not in sys.path]
        if exc.name and module_name.startswith(exc.name) and extra:
            sys.path.extend(extra)
            return load_target(spec)
        raise TargetError(
            f"cannot import module {module_name!r}: {exc}. Install the package under test "
            "(pip install -e .) or run from the directory that contains it"
        ) from None
    except Exception as exc:  # noqa: BLE001 - the user's module may fail on import
        raise TargetError(f"importing module {module_name!r} raised {type(exc).__name__}: {exc}") from None
    value: Any = module
    for part in attribute.split("."):
        if not hasattr(value, part):
            candidates = sorted(n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n)))
            raise TargetError(
                f"module {module_name!r} has no attribute {attribute!r}"
                + (f"; callables there: {', '.join(candidates[:12])}" if candidates else "")
            )
        value = getattr(value, part)
    return value
