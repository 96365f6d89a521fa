"""One run of an implementation per case, even when pytest-xdist splits the case's checks.

A case's checks (its outcome, its boundary check, ...) judge one run of the implementation
(``CheckContext.remember``). Under ``pytest -n N`` the scheduler may send a case's checks to
different workers; each would then run the implementation again: twice the cost, and two
runs of a non-deterministic implementation could be judged against each other's evidence.
So the first worker to reach a case runs it and leaves the result, pickled, in a directory
every worker of this test run shares (beside their own temporary directories, under pytest's
base temp); the others wait for it. The worker that holds a case is always busy computing
it, so waiting cannot deadlock; if it vanishes, the waiter runs the case itself. If the run
raises in the worker that holds it, that worker leaves the failure instead of a result, and
the others stop waiting at once: each runs the case itself, and should that fail too, its
error says that the first worker's run failed as well, and how.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaizen_conformance.core.checks import CheckContext

UNSHAREABLE = "kaizen-conformance: this run could not be pickled"


@dataclass(frozen=True)
class ClaimFailed:
    """Left instead of a result when the run raised in the worker that claimed the case."""

    worker: str
    error: str


def shared_dir(context: CheckContext) -> Path | None:
    """The directory the workers of this test run share, or None outside pytest-xdist."""
    workerinput = getattr(context.request.config, "workerinput", None)
    if workerinput is None:
        return None
    factory = context.request.getfixturevalue("tmp_path_factory")
    directory = (
        Path(factory.getbasetemp()).parent / f"kaizen-shared-runs-{workerinput['testrunuid']}"
    )
    directory.mkdir(exist_ok=True)
    return directory


def remember_shared(
    context: CheckContext, key: tuple[str, ...], compute: Callable[[], Any], wait: float
) -> Any:
    """``context.remember(key, compute)``, computed once across all workers of the run.

    ``wait`` bounds how long a worker waits for another's result before computing it itself.
    """

    def once() -> Any:
        directory = shared_dir(context)
        if directory is None:
            return compute()
        name = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]
        claim, result = directory / f"{name}.claim", directory / f"{name}.pickle"
        try:
            os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return wait_for(result, wait, compute)
        try:
            value = compute()
        except BaseException as exc:
            worker = context.request.config.workerinput.get("workerid", "?")  # type: ignore[attr-defined]
            publish(result, ClaimFailed(worker, f"{type(exc).__name__}: {exc}"[:2000]))
            raise
        publish(result, value)
        return value

    return context.remember(key, once)


def publish(result: Path, value: Any) -> None:
    """Leave ``value`` for the other workers, whole or not at all."""
    try:
        data = pickle.dumps(value)
    except Exception:  # noqa: BLE001 - whatever the implementation returned, sharing is an optimisation
        data = pickle.dumps(UNSHAREABLE)
    partial = result.with_suffix(".partial")
    partial.write_bytes(data)
    os.replace(partial, result)


def wait_for(result: Path, wait: float, compute: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if result.exists():
            value = pickle.loads(result.read_bytes())
            if isinstance(value, ClaimFailed):
                return compute_after(value, compute)
            return compute() if value == UNSHAREABLE else value
        time.sleep(0.02)
    return compute()


def compute_after(failure: ClaimFailed, compute: Callable[[], Any]) -> Any:
    """Run the case here, the claiming worker's run having raised; a second failure says so."""
    try:
        return compute()
    except Exception as exc:
        note = (
            f"kaizen-conformance: the same case's run raised in worker {failure.worker} as well, "
            f"which ran it first: {failure.error}"
        )
        if hasattr(exc, "add_note"):  # Python 3.11+
            exc.add_note(note)
        raise
