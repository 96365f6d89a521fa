"""One run of an implementation per case, even when pytest-xdist splits the case's checks.

A case's checks (its outcome, its boundary check, ...) judge one run of the implementation
(``CheckContext.remember``). Under ``pytest -n N`` the scheduler may send a case's checks to
different workers; each would then run the implementation again: twice the cost, and two
runs of a non-deterministic implementation could be judged against each other's evidence.
So the first worker to reach a case runs it and leaves the result, pickled, in a directory
every worker of this test run shares (beside their own temporary directories, under pytest's
base temp); the others wait for it. The worker that holds a case is always busy computing
it, so waiting cannot deadlock; if it vanishes, the waiter runs the case itself.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kaizen_conformance.core.checks import CheckContext

UNSHAREABLE = "kaizen-conformance: this run could not be pickled"


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
        value = compute()
        try:
            data = pickle.dumps(value)
        except Exception:  # noqa: BLE001 - whatever the implementation returned, sharing is an optimisation
            data = pickle.dumps(UNSHAREABLE)
        partial = result.with_suffix(".partial")
        partial.write_bytes(data)
        os.replace(partial, result)
        return value

    return context.remember(key, once)


def wait_for(result: Path, wait: float, compute: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if result.exists():
            value = pickle.loads(result.read_bytes())
            return compute() if value == UNSHAREABLE else value
        time.sleep(0.02)
    return compute()
