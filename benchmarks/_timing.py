"""Timing shared by the benchmarks: whole pytest processes, paired and alternated, medians.

The kit's speed targets compare a kit run with bare pytest running as many trivial items that
use ``tmp_path``. Both are child processes timed from the outside and alternated round by
round, so that the noise of a shared machine hits both alike; the figure is the ratio of the
medians. ``load()`` says how busy the machine was, for the record.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

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


def rotated(actions: dict[str, Callable[[], T]], rounds: int) -> dict[str, list[T]]:
    """Run every action once a round, each round starting one further along (noise hits all alike)."""
    labels = list(actions)
    results: dict[str, list[T]] = {label: [] for label in labels}
    for number in range(rounds):
        shift = number % len(labels)
        for label in labels[shift:] + labels[:shift]:
            results[label].append(actions[label]())
    return results


def paired(first: Callable[[], T], second: Callable[[], T], rounds: int) -> tuple[list[T], list[T]]:
    """Alternate the two actions ``rounds`` times, each going first in every other round."""
    both = rotated({"first": first, "second": second}, rounds)
    return both["first"], both["second"]


def compare_with_bare(
    kit_args: list[str],
    work: Path,
    rounds: int,
    env: dict[str, str] | None = None,
    trees: dict[str, Path] | None = None,
    variants: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The kit run against bare pytest with as many tmp_path items: medians, minima and the ratio.

    ``trees``: other copies of the kit (a directory holding another commit's
    ``kaizen_conformance`` and ``fixtures``), first on PYTHONPATH, timed in the same rounds;
    their figures are under ``"trees"``, each against the same bare runs. ``variants``: the
    same kit run with more arguments (``--kaizen-jobs=1``), timed in the same rounds too.
    """
    work.mkdir(parents=True, exist_ok=True)
    items = item_count(kit_args, work, env)
    bare = bare_suite(work / "bare", items)
    base = dict(env if env is not None else os.environ)
    envs = {"kit": base}
    for label, tree in (trees or {}).items():
        tree_env = dict(base)
        tree_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree), base.get("PYTHONPATH")]))
        envs[label] = tree_env
    actions: dict[str, Callable[[], float]] = {
        label: (lambda e=tree_env: run_pytest(kit_args, work, e))
        for label, tree_env in envs.items()
    }
    for label, extra in (variants or {}).items():
        actions[label] = lambda extra=extra: run_pytest([*kit_args, *extra], work, base)
    actions["bare"] = lambda: run_pytest(bare, work, base)
    times = rotated(actions, rounds)
    plain = statistics.median(times["bare"])

    def row(label: str) -> dict[str, Any]:
        kit = statistics.median(times[label])
        return {
            "items": items,
            "kit_s": kit,
            "bare_s": plain,
            "ratio": kit / plain,
            "kit_min_s": min(times[label]),
            "bare_min_s": min(times["bare"]),
            "runs": rounds,
            "load": load(),
        }

    figures = row("kit")
    if trees:
        figures["trees"] = {label: row(label) for label in trees}
    if variants:
        figures["variants"] = {label: row(label) for label in variants}
    return figures


def write_json(path: Path | None, figures: dict[str, Any]) -> None:
    """Also keep the figures in ``path`` (when given), for comparing runs later."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def table(rows: dict[str, dict[str, Any]], title: str, target: str) -> str:
    """The comparisons as a small table, one row each."""
    lines = [f"{title:<48} {'items':>5} {'kit s':>7} {'bare s':>7} {'ratio':>6}  ({target})"]
    for label, row in rows.items():
        lines.append(
            f"{label:<48} {row['items']:>5} {row['kit_s']:>7.2f} {row['bare_s']:>7.2f} "
            f"{row['ratio']:>6.2f}  (min {row['kit_min_s']:.2f} / {row['bare_min_s']:.2f}, "
            f"{row['runs']} rounds, load {row['load']})"
        )
    return "\n".join(lines)
