"""Resolver suite speed: the kit on its reference vs bare pytest with as many tmp_path tests.

Target (foundation issue): wall time ≤ 1.5 times bare pytest running the same number of trivial
tests that use tmp_path, measured side by side in one run; materialising a case costs
milliseconds. Run:  python benchmarks/bench_resolver.py [--rounds 5] [--profile v2]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(argv: list[str], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed, done.stdout


def materialise_costs(profile: str) -> tuple[int, float, float, str]:
    from kaizen_conformance.cases.resolver import all_cases, resolver_cases

    cases = [c for c in all_cases() if profile in c.profiles]
    costs = []
    with tempfile.TemporaryDirectory() as scratch:
        for index, case in enumerate(cases):
            started = time.perf_counter()
            case.materialise(Path(scratch) / str(index))
            costs.append((time.perf_counter() - started, case.id))
    del resolver_cases
    worst = max(costs)
    return len(cases), statistics.median(c for c, _ in costs) * 1000, worst[0] * 1000, worst[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", choices=("v1", "v2"), default="v2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        # configured as activity-core's CI configures it: the resolver alone
        kit = [
            sys.executable,
            "-m",
            "pytest",
            "--pyargs",
            "kaizen_conformance",
            f"--kaizen-resolver=kaizen_conformance.reference.resolver:resolve_{args.profile}",
            f"--kaizen-resolver-profile={args.profile}",
            "-q",
            "-p",
            "no:cacheprovider",
        ]
        _, out = run(kit, work)
        count = int(re.findall(r"(\d+) passed", out)[-1])  # the closing line, not the rule summary
        (work / "bare").mkdir()
        (work / "bare" / "test_bare.py").write_text(
            "import pytest\n\n"
            f"@pytest.mark.parametrize('n', range({count}))\n"
            "def test_trivial(tmp_path, n):\n    (tmp_path / 'f').write_text('x')\n"
        )
        bare = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:kaizen_conformance",
            str(work / "bare"),
        ]
        kit_times, bare_times = [], []
        for _ in range(args.rounds):  # alternate, so machine noise hits both alike
            kit_times.append(run(kit, work)[0])
            bare_times.append(run(bare, work)[0])
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    kit_median, bare_median = statistics.median(kit_times), statistics.median(bare_times)
    cases, median_ms, worst_ms, worst_case = materialise_costs(args.profile)
    print(
        f"resolver suite ({args.profile}), {count} items, {args.rounds} rounds, {os.cpu_count()} cores"
    )
    print(f"  kit on reference : median {kit_median:.2f} s  (min {min(kit_times):.2f})")
    print(f"  bare pytest      : median {bare_median:.2f} s  (min {min(bare_times):.2f})")
    print(f"  ratio            : {kit_median / bare_median:.2f}x  (target <= 1.5x)")
    print(f"  peak RSS of a run: {peak_mib:.0f} MiB")
    print(
        f"  materialise      : {cases} cases, median {median_ms:.2f} ms, worst {worst_ms:.1f} ms ({worst_case})"
    )


if __name__ == "__main__":
    main()
