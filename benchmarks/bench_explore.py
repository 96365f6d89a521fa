"""Exploration's budget and teeth, in figures: the time ``--kaizen-explore`` adds per role at the
default budget on the reference, and how many examples each golden-blind mutant takes to find.

Each figure is a whole pytest child process. The time of the exploration item itself is read
from the JUnit XML (``explore[<role>]``), so the golden cases' time is not counted in it; the
examples run and the finding come from the JSON report. Run:

    python benchmarks/bench_explore.py [--seeds 0 1 2 3] [--roles resolver hub ...] [--no-mutants]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import statistics
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import ROOT, load, pytest_env, run_pytest

TESTS = ROOT / "tests"
LIMIT = ["--kaizen-timeout=10"]


def explore_run(target: list[str], seed: int, work: Path, role: str) -> tuple[float, dict]:
    """One run of ``role``'s exploration alone: (the item's seconds, the report's explored entry)."""
    junit, report = work / f"{role}-{seed}.xml", work / f"{role}-{seed}.json"
    args = [
        "--pyargs",
        "kaizen_conformance",
        *target,
        *LIMIT,
        "-k",
        f"explore and {role}",
        "--kaizen-allow-incomplete",
        "--kaizen-explore",
        f"--kaizen-explore-seed={seed}",
        f"--kaizen-report={report}",
        "-p",
        "no:schemathesis",
    ]
    run_pytest(args, work, pytest_env(TESTS), junit)
    seconds = sum(
        float(case.get("time", 0))
        for case in ET.parse(junit).getroot().iter("testcase")
        if case.get("name", "").startswith("explore[")
    )
    return seconds, json.loads(report.read_text(encoding="utf-8"))["explored"][role]


def mutants(role: str) -> list[tuple[str, list[str], str]]:
    """(name, options, rule it should be found on) of each golden-blind mutant of ``role``."""
    sys.path.insert(0, str(TESTS))
    package = f"mutants_explore.{role}"
    try:
        where = importlib.import_module(package)
    except ModuleNotFoundError:
        return []
    found = []
    for info in pkgutil.iter_modules(where.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        options = [o.replace("{module}", module.__name__) for o in module.OPTIONS]
        found.append((info.name, options, module.FINDS))
    return found


def main() -> None:
    from kaizen_conformance.roles.explorers import EXPLORERS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--roles", nargs="+", default=list(EXPLORERS))
    parser.add_argument("--no-mutants", action="store_true")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load {load()} at the start")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        print("\nthe reference, default budget: seconds of the explore item, examples run")
        for role in args.roles:
            times, runs = [], []
            for seed in args.seeds:
                seconds, entry = explore_run(["--kaizen-reference"], seed, work, role)
                times.append(seconds)
                runs.append(f"{entry['outcome']}/{entry['examples']}")
            print(
                f"  {role:9} median {statistics.median(times):5.1f} s "
                f"(min {min(times):.1f}, max {max(times):.1f}); seeds {args.seeds}: {' '.join(runs)}"
            )
        if args.no_mutants:
            return
        print("\ngolden-blind mutants: examples to find, per seed (- : not found)")
        for role in args.roles:
            for name, options, rule in mutants(role):
                counts, rules = [], set()
                for seed in args.seeds:
                    _, entry = explore_run(options, seed, work, role)
                    finding = entry.get("finding") or {}
                    counts.append(str(finding.get("examples_to_find", "-")))
                    rules.add(finding.get("rule", "-"))
                verdict = "ok" if rules == {rule} else f"EXPECTED {rule}, got {sorted(rules)}"
                print(f"  {role}/{name:28} {' '.join(f'{c:>4}' for c in counts)}   {verdict}")
    print(f"load {load()} at the end")


if __name__ == "__main__":
    main()
