"""The example state-hub (FastAPI + SQLite, ``tests/consumers/state_hub``) passes the hub suite the
way state-hub's CI runs it: in-process, and served by uvicorn on 127.0.0.1, seeded and not."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from kitrun import TESTS_DIR, KitRun, run_kit

from kaizen_conformance import contract
from kaizen_conformance.cases.hub import hub_cases
from kaizen_conformance.roles.hub import ALWAYS

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

APP = "--kaizen-hub-app=consumers.state_hub.main:app"
SEED = "--kaizen-hub-seed=consumers.state_hub.kaizen:seed"


def seeded_items() -> int:
    applicable = {rule.id for rule in contract.rules_for("hub", "v2")}
    return sum(
        len(applicable & (set(ALWAYS) | {q.rule for q in c.queries_for("v2")})) for c in hub_cases()
    )


def hub_outcomes(run: KitRun) -> dict[str, str]:
    return {
        item.name: item.outcome for item in run.items if item.properties.get("kaizen_role") == "hub"
    }


@contextmanager
def uvicorn_hub(database: Path, limit: float = 30.0) -> Iterator[str]:
    """The example hub served by uvicorn on 127.0.0.1, port 0 (the kernel picks a free one); always stopped.

    uvicorn binds the port itself and logs the one it got, so no other process can take it in
    between. (Handing it a bound socket with ``--fd`` would do too, but uvicorn then treats
    the socket as a Unix one and leaves Nagle's algorithm on: 40 ms per request.)
    """
    env = {**os.environ, "STATE_HUB_DATABASE": str(database), "PYTHONPATH": str(TESTS_DIR)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "consumers.state_hub.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--log-level",
            "info",
            "--no-access-log",
        ],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout or ()], daemon=True
    )
    reader.start()
    try:
        yield serving_url(process, lines, limit)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        reader.join(5)
        assert process.stdout is not None
        process.stdout.close()


def serving_url(process: subprocess.Popen[str], lines: queue.Queue[str], limit: float) -> str:
    seen: list[str] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            if process.poll() is not None:
                break
            continue
        seen.append(line)
        found = re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", line)
        if found:
            return found.group(1)
    raise AssertionError(
        f"uvicorn did not start serving within {limit} s (exit {process.poll()}):\n{''.join(seen)}"
    )


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The hub's SQLite file; the seed function finds it through the same variable as the server."""
    path = tmp_path / "state-hub.db"
    monkeypatch.setenv("STATE_HUB_DATABASE", str(path))
    return path


def test_example_hub_conforms_in_process(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(kit_pytester, APP, SEED, "-k", "HUB-")
    outcomes = hub_outcomes(run)
    assert len(outcomes) == seeded_items() and set(outcomes.values()) == {"passed"}, (
        run.result.stdout.str()[-3000:]
    )
    run.result.stdout.fnmatch_lines(
        [
            "hub (profile v2): consumers.state_hub.main:app (app, from --kaizen-hub-app)",
            "  verdict: CONFORMS",
        ]
    )


def test_example_hub_conforms_served_by_uvicorn(
    kit_pytester: pytest.Pytester, database: Path
) -> None:
    with uvicorn_hub(database) as url:
        run = run_kit(kit_pytester, f"--kaizen-hub-url={url}", SEED, "-k", "HUB-")
    outcomes = hub_outcomes(run)
    assert len(outcomes) == seeded_items() and set(outcomes.values()) == {"passed"}, (
        run.result.stdout.str()[-3000:]
    )
    run.result.stdout.fnmatch_lines(
        [f"hub (profile v2): {url} (url, from --kaizen-hub-url)", "  verdict: CONFORMS"]
    )


def test_parallel_workers_take_turns_seeding_one_live_hub(
    kit_pytester: pytest.Pytester, database: Path
) -> None:
    with uvicorn_hub(database) as url:
        run = run_kit(
            kit_pytester, f"--kaizen-hub-url={url}", SEED, "-k", "HUB-", "-n", "2", subprocess=True
        )
    outcomes = hub_outcomes(run)
    assert len(outcomes) == seeded_items() and set(outcomes.values()) == {"passed"}, (
        run.result.stdout.str()[-3000:]
    )


def test_example_hub_unseeded_is_checked_on_what_it_holds(
    kit_pytester: pytest.Pytester, database: Path
) -> None:
    from consumers.state_hub.kaizen import seed

    seed(str(database), list(next(c for c in hub_cases() if c.id == "mixed-fleet").records))
    with uvicorn_hub(database) as url:
        run = run_kit(kit_pytester, f"--kaizen-hub-url={url}", "-k", "HUB-")
    outcomes = hub_outcomes(run)
    assert outcomes.pop("HUB-003[unseeded]") == "skipped"
    assert set(outcomes.values()) == {"passed"}, run.result.stdout.str()[-3000:]
    run.result.stdout.fnmatch_lines(["  verdict: INCOMPLETE*"])
