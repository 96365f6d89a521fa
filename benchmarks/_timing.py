"""Timing shared by the benchmarks: whole pytest processes, paired and alternated, medians.

The kit's speed targets compare a kit run with bare pytest running as many trivial items that
use ``tmp_path``. Both are child processes timed from the outside and alternated round by
round, so that the noise of a shared machine hits both alike; the figure is the ratio of the
medians. ``load()`` says how busy the machine was, for the record.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parent.parent
COMMON = ["-q", "-p", "no:cacheprovider"]


def load() -> str:
    """The 1, 5 and 15 minute load averages, or '?' where the machine does not say."""
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])
    except OSError:
        return "?"


def pytest_env(*paths: Path) -> dict[str, str]:
    """This environment with ``paths`` first on PYTHONPATH (the kit's tests/, for its example hub)."""
    env = dict(os.environ)
    extra = [str(p) for p in paths] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    if extra:
        env["PYTHONPATH"] = os.pathsep.join(extra)
    return env


def run_pytest(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, junit: Path | None = None
) -> float:
    """Run ``python -m pytest args`` in a child process; its wall time (a failed run stops the benchmark)."""
    extra = [f"--junitxml={junit}"] if junit else []
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "pytest", *args, *COMMON, *extra],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"pytest {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
        )
    return seconds


def item_count(args: list[str], work: Path, env: dict[str, str] | None = None) -> int:
    """How many items a pytest run has (passed, skipped and failed alike), from its JUnit XML."""
    junit = work / "count.xml"
    run_pytest(args, work, env, junit)
    return sum(1 for _ in ET.parse(junit).getroot().iter("testcase"))


def bare_suite(directory: Path, items: int) -> list[str]:
    """pytest arguments for ``items`` trivial tests that each write a file under tmp_path."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "test_bare.py").write_text(
        "import pytest\n\n\n"
        f"@pytest.mark.parametrize('n', range({items}))\n"
        "def test_trivial(tmp_path, n):\n    (tmp_path / 'f').write_text('x')\n",
        encoding="utf-8",
    )
    return ["-p", "no:kaizen_conformance", str(directory)]


def paired(first: Callable[[], T], second: Callable[[], T], rounds: int) -> tuple[list[T], list[T]]:
    """Alternate the two timed actions ``rounds`` times, each going first in every other round."""
    one: list[T] = []
    two: list[T] = []
    for number in range(rounds):
        if number % 2:
            two.append(second())
            one.append(first())
        else:
            one.append(first())
            two.append(second())
    return one, two


def compare_with_bare(
    kit_args: list[str], work: Path, rounds: int, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """The kit run against bare pytest with as many tmp_path items: medians, minima and the ratio."""
    work.mkdir(parents=True, exist_ok=True)
    items = item_count(kit_args, work, env)
    bare = bare_suite(work / "bare", items)
    kit_times, bare_times = paired(
        lambda: run_pytest(kit_args, work, env), lambda: run_pytest(bare, work, env), rounds
    )
    kit, plain = statistics.median(kit_times), statistics.median(bare_times)
    return {
        "items": items,
        "kit_s": kit,
        "bare_s": plain,
        "ratio": kit / plain,
        "kit_min_s": min(kit_times),
        "bare_min_s": min(bare_times),
        "runs": rounds,
        "load": load(),
    }


def table(rows: dict[str, dict[str, Any]], title: str, target: str) -> str:
    """The comparisons as a small table, one row each."""
    lines = [f"{title:<34} {'items':>5} {'kit s':>7} {'bare s':>7} {'ratio':>6}  ({target})"]
    for label, row in rows.items():
        lines.append(
            f"{label:<34} {row['items']:>5} {row['kit_s']:>7.2f} {row['bare_s']:>7.2f} "
            f"{row['ratio']:>6.2f}  (min {row['kit_min_s']:.2f} / {row['bare_min_s']:.2f}, "
            f"{row['runs']} rounds, load {row['load']})"
        )
    return "\n".join(lines)
