"""One run per case across pytest-xdist workers (runtime/shared_runs.py), with workers played by contexts."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kaizen_conformance.core.checks import CheckContext
from kaizen_conformance.runtime.shared_runs import remember_shared


def worker(tmp_path: Path, name: str) -> CheckContext:
    """A check context as worker ``name`` of one xdist run sees it: its base temp beside the others'."""
    base = tmp_path / name
    base.mkdir(exist_ok=True)
    factory = SimpleNamespace(getbasetemp=lambda: base)
    request: Any = SimpleNamespace(
        config=SimpleNamespace(workerinput={"testrunuid": "run", "workerid": name}),
        getfixturevalue=lambda fixture: factory,
    )
    return CheckContext(request, settings=None, memo={})  # type: ignore[arg-type]


def test_a_case_is_computed_once_and_shared(tmp_path: Path) -> None:
    calls: list[str] = []
    first = remember_shared(
        worker(tmp_path, "gw0"), ("r", "c"), lambda: calls.append("gw0") or 1, 60
    )
    second = remember_shared(
        worker(tmp_path, "gw1"), ("r", "c"), lambda: calls.append("gw1") or 2, 60
    )
    assert (first, second, calls) == (1, 1, ["gw0"])


def test_a_failed_claim_stops_the_others_waiting_at_once(tmp_path: Path) -> None:
    def broken() -> Any:
        raise OSError("disk full")

    with pytest.raises(OSError):
        remember_shared(worker(tmp_path, "gw0"), ("r", "c"), broken, 60)
    started = time.monotonic()
    value = remember_shared(worker(tmp_path, "gw1"), ("r", "c"), lambda: "computed here", 60)
    assert value == "computed here"
    assert time.monotonic() - started < 5  # not the 60 s wait


def test_a_second_failure_says_the_first_worker_failed_too(tmp_path: Path) -> None:
    def broken() -> Any:
        raise OSError("disk full")

    with pytest.raises(OSError):
        remember_shared(worker(tmp_path, "gw0"), ("r", "c"), broken, 60)
    with pytest.raises(OSError) as raised:
        remember_shared(worker(tmp_path, "gw1"), ("r", "c"), broken, 60)
    notes = "\n".join(getattr(raised.value, "__notes__", []))
    assert "worker gw0" in notes and "OSError: disk full" in notes
