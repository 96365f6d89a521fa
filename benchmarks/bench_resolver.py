"""Resolver suite speed: the kit on its reference vs bare pytest with as many tmp_path tests.

Target (foundation issue): wall time ≤ 1.5 times bare pytest running the same number of trivial
tests that use tmp_path, measured side by side in one run; materialising a case costs
milliseconds. Run:  python benchmarks/bench_resolver.py [--rounds 5] [--profile v2]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compare_with_bare, table


def materialise_costs(profile: str) -> tuple[int, float, float, str]:
    from kaizen_conformance.cases.resolver import all_cases

    cases = [c for c in all_cases() if profile in c.profiles]
    costs = []
    with tempfile.TemporaryDirectory() as scratch:
        for index, case in enumerate(cases):
            started = time.perf_counter()
            case.materialise(Path(scratch) / str(index))
            costs.append((time.perf_counter() - started, case.id))
    worst = max(costs)
    return len(cases), statistics.median(c for c, _ in costs) * 1000, worst[0] * 1000, worst[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", choices=("v1", "v2"), default="v2")
    args = parser.parse_args()
    # configured as activity-core's CI configures it: the resolver alone
    kit = [
        "--pyargs",
        "kaizen_conformance",
        f"--kaizen-resolver=kaizen_conformance.reference.resolver:resolve_{args.profile}",
        f"--kaizen-resolver-profile={args.profile}",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        row = compare_with_bare(kit, Path(scratch), args.rounds)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cases, median_ms, worst_ms, worst_case = materialise_costs(args.profile)
    print(f"{os.cpu_count()} cores")
    print(table({f"resolver suite ({args.profile})": row}, "kit on reference", "target <= 1.5"))
    print(f"  peak RSS of a run: {peak_mib:.0f} MiB")
    print(
        f"  materialise      : {cases} cases, median {median_ms:.2f} ms, worst {worst_ms:.1f} ms ({worst_case})"
    )


if __name__ == "__main__":
    main()
