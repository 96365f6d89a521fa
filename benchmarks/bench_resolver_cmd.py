"""Command-adapter resolver suite: process starts per case, loopback hub starts, xdist speed-up.

Targets (issue 5): the command-adapter resolver suite costs about one process start per case
and the loopback hub double is started once per session (per worker), not per test; under
pytest-xdist ``-n 2`` it runs >= 1.6x faster than ``-n 0`` with identical outcomes; the
5,000-repo roster case materialises in well under a second.

Run:  python benchmarks/bench_resolver_cmd.py [--rounds 2] [--profile v2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import paired

# Counts each process start, then runs the reference resolver command in the same process.
WRAPPER = """\
import os, runpy, sys
with open(os.environ["BENCH_STARTS"], "a") as log:
    log.write("start\\n")
sys.argv = ["kaizen_conformance.reference.resolver", *sys.argv[1:]]
runpy.run_module("kaizen_conformance.reference.resolver", run_name="__main__")
"""
# Loaded with -p in the controller and every xdist worker: how many loopback hubs each started.
STATS_PLUGIN = """\
import os

def pytest_unconfigure(config):
    from kaizen_conformance.hubdouble.server import servers_started
    role = "worker" if hasattr(config, "workerinput") else "main"
    with open(os.environ["BENCH_HUBS"], "a") as log:
        log.write(f"{role} {servers_started()}\\n")
"""


def outcomes(junit: Path) -> dict[str, str]:
    result = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
            elif child.tag == "skipped":
                outcome = "skipped"
        result[case.get("name", "")] = outcome
    return result


def run_suite(
    work: Path, profile: str, workers: int, tag: str
) -> tuple[float, dict[str, str], int, list[str]]:
    starts, hubs, junit = (
        work / f"starts-{tag}.log",
        work / f"hubs-{tag}.log",
        work / f"junit-{tag}.xml",
    )
    for path in (starts, hubs):
        path.unlink(missing_ok=True)
    env = dict(
        os.environ,
        BENCH_STARTS=str(starts),
        BENCH_HUBS=str(hubs),
        PYTHONPATH=os.pathsep.join(filter(None, [str(work), os.environ.get("PYTHONPATH")])),
    )
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "--pyargs",
        "kaizen_conformance",
        "-p",
        "bench_stats",
        f"--kaizen-resolver-cmd=python {work / 'wrapper.py'} {{hub_url}} {{hostname}} {{domain}}",
        f"--kaizen-resolver-profile={profile}",
        "-k",
        "test_resolver",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        "-n",
        str(workers),
    ]
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(
            f"the suite failed on the reference ({' '.join(argv)}):\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
        )
    count = len(starts.read_text().splitlines())
    per_process = sorted(line.replace(" ", ": ") for line in hubs.read_text().splitlines())
    return elapsed, outcomes(junit), count, per_process


def roster_materialise_ms(rounds: int = 5) -> tuple[float, float, int]:
    from kaizen_conformance.cases.resolver import resolver_cases

    case = next(c for c in resolver_cases() if c.id == "fleet-5000")
    costs = []
    with tempfile.TemporaryDirectory() as scratch:
        for index in range(rounds):
            started = time.perf_counter()
            _, records = case.materialise(Path(scratch) / str(index))
            costs.append(time.perf_counter() - started)
    return statistics.median(costs) * 1000, max(costs) * 1000, len(records)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", choices=("v1", "v2"), default="v2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "wrapper.py").write_text(WRAPPER)
        (work / "bench_stats.py").write_text(STATS_PLUGIN)
        tags = iter(range(2 * args.rounds))
        serial, parallel = paired(
            lambda: run_suite(work, args.profile, 0, f"s{next(tags)}"),
            lambda: run_suite(work, args.profile, 2, f"p{next(tags)}"),
            args.rounds,
        )
    first = serial[0][1]
    identical = all(run[1] == first for run in serial + parallel)
    items = Counter(first.values())
    cases = {
        name.split("[", 1)[1].rstrip("]") for name, outcome in first.items() if outcome != "skipped"
    }
    serial_median = statistics.median(run[0] for run in serial)
    parallel_median = statistics.median(run[0] for run in parallel)
    median_ms, worst_ms, records = roster_materialise_ms()
    print(
        f"command-adapter resolver suite ({args.profile}), {args.rounds} rounds, {os.cpu_count()} cores"
    )
    print(f"  items              : {dict(items)}; {len(cases)} cases")
    for label, run in (("-n 0", serial[0]), ("-n 2", parallel[0])):
        print(
            f"  process starts {label}: {run[2]} for {len(cases)} cases = {run[2] / len(cases):.2f} per case"
        )
    print(
        f"  loopback hub starts: -n 0 {', '.join(serial[0][3])}; -n 2 {', '.join(parallel[0][3])} (per process)"
    )
    print(
        f"  -n 0               : median {serial_median:.2f} s  ({', '.join(f'{r[0]:.2f}' for r in serial)})"
    )
    print(
        f"  -n 2               : median {parallel_median:.2f} s  ({', '.join(f'{r[0]:.2f}' for r in parallel)})"
    )
    print(f"  speed-up           : {serial_median / parallel_median:.2f}x  (target >= 1.6x)")
    print(f"  identical outcomes : {identical}")
    print(
        f"  fleet-5000         : {records} records; materialise median {median_ms:.0f} ms, worst {worst_ms:.0f} ms "
        "(target well under 1 s)"
    )


if __name__ == "__main__":
    main()
