"""What a prepare case costs, through the callable adapter and through the command adapter.

Targets: a case through the command adapter costs about one process start of the command;
through the callable, milliseconds. Three measurements:

1. the bare process start of the command under test (run directly, no kit), and of
   ``python -c pass`` for scale;
2. one adapter call (offline guards, output parsing) on a materialised case, callable and
   command, so the kit's own overhead per call is the difference from (1);
3. the whole prepare suite through pytest, per invocation (a ``<case>/<agent>`` with all
   its checks; an event invocation runs prepare twice, for PRE-007).

Run from a source checkout::

    python benchmarks/bench_prepare.py            # prints a table
    python benchmarks/bench_prepare.py --json benchmarks/results/prepare.json
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import write_json

from kaizen_conformance.adapters.prepare import call_prepare
from kaizen_conformance.cases.loading import fixtures_root
from kaizen_conformance.cases.prepare import fixture_cases
from kaizen_conformance.core.settings import RoleTarget, Settings
from kaizen_conformance.roles import prepare as role

PYTHON = sys.executable
CALLABLE = "kaizen_conformance.reference.prepare:prepare"
COMMAND = f"{shlex.quote(PYTHON)} -m kaizen_conformance.reference.prepare {{agent}} {{repo}}"


def timed(action: Callable[[], Any], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


def summary(seconds: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(seconds) * 1000,
        "min_ms": min(seconds) * 1000,
        "runs": len(seconds),
    }


def settings_for(kind: str, spec: str) -> Settings:
    return Settings(
        targets={"prepare": RoleTarget("prepare", kind, spec, "benchmark")},
        profiles={},
        timeout=15.0,
        strict=False,
        hub_double="respx",
        rootpath=Path.cwd(),
    )


def adapter_and_process_costs(repeat: int, work: Path) -> dict[str, Any]:
    case = next(c for c in fixture_cases(fixtures_root()) if c.id == "memory-and-metrics")
    materialised = case.materialise(work / "case")
    repo, agent = materialised.given, "coach"
    argv = shlex.split(COMMAND.format(agent=agent, repo=repo))
    results: dict[str, Any] = {
        "python -c pass": summary(
            timed(lambda: subprocess.run([PYTHON, "-c", "pass"], check=True), repeat)
        ),
        "command alone (no kit)": summary(
            timed(lambda: subprocess.run(argv, check=True, capture_output=True), repeat)
        ),
    }
    callable_settings = settings_for("callable", CALLABLE)
    call_prepare(callable_settings, repo, agent)  # import the implementation once
    results["callable adapter, one call"] = summary(
        timed(lambda: call_prepare(callable_settings, repo, agent), repeat)
    )
    command_settings = settings_for("command", COMMAND)
    scratch = iter(range(10**6))

    def command_call() -> None:
        result = call_prepare(
            command_settings, repo, agent, scratch=work / f"sandbox-{next(scratch)}"
        )
        assert result.event is not None, result.outcome_text

    results["command adapter, one call"] = summary(timed(command_call, repeat))
    return results


def suite_cost(option: str, work: Path, name: str) -> dict[str, Any]:
    """The whole prepare suite through pytest, in a child process, timed from the outside."""
    junit = work / f"{name}.xml"
    argv = [
        PYTHON,
        "-m",
        "pytest",
        "--pyargs",
        "kaizen_conformance",
        option,
        "-k",
        "PRE-",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        f"--basetemp={work / name}",
    ]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=work)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the suite failed ({name}):\n{done.stdout[-3000:]}")
    items = [case for case in ET.parse(junit).getroot().iter("testcase")]
    calls = sum(float(case.get("time", 0)) for case in items)
    invocations = role.invocations()
    runs = sum(2 if i.expect.is_event else 1 for i in invocations)
    return {
        "wall_s": wall,
        "items": len(items),
        "invocations": len(invocations),
        "prepare_runs": runs,
        "item_time_s": calls,
        "per_invocation_ms": calls / len(invocations) * 1000,
        "per_prepare_run_ms": calls / runs * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=20, help="runs per adapter measurement (default 20)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-prepare-") as scratch:
        work = Path(scratch)
        figures = {
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
            "adapter": adapter_and_process_costs(args.repeat, work),
            "suite": {
                "callable": suite_cost(f"--kaizen-prepare={CALLABLE}", work, "callable"),
                "command": suite_cost(f"--kaizen-prepare-cmd={COMMAND}", work, "command"),
            },
        }
    adapter, suite = figures["adapter"], figures["suite"]
    print(f"{'one call':<32} {'median ms':>10} {'min ms':>8}")
    for label, row in adapter.items():
        print(f"{label:<32} {row['median_ms']:>10.1f} {row['min_ms']:>8.1f}")
    alone, through_kit = adapter["command alone (no kit)"], adapter["command adapter, one call"]
    print(
        f"kit overhead per command call: {through_kit['min_ms'] - alone['min_ms']:.1f} ms (best runs), "
        f"{through_kit['median_ms'] - alone['median_ms']:.1f} ms (medians) over the command's own process start"
    )
    print()
    header = ("whole suite", "items", "invocations", "runs", "wall s", "ms/invocation", "ms/run")
    widths = (-10, 6, 12, 5, 7, 14, 7)
    print(
        " ".join(
            f"{text:<{-w}}" if w < 0 else f"{text:>{w}}"
            for text, w in zip(header, widths, strict=True)
        )
    )
    for label, row in suite.items():
        print(
            f"{label:<10} {row['items']:>6} {row['invocations']:>12} {row['prepare_runs']:>5} {row['wall_s']:>7.1f} "
            f"{row['per_invocation_ms']:>14.1f} {row['per_prepare_run_ms']:>7.1f}"
        )
    write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
