"""What writing every report costs on a full run (target: under 5 %).

Runs the whole suite on the reference implementations with and without
--kaizen-report, --kaizen-report-md and --kaizen-badge, alternating, and compares medians.
Run:  python benchmarks/bench_reports.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stdout[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    base = [
        sys.executable,
        "-m",
        "pytest",
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-reference",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        reports = [
            "--kaizen-report=report.json",
            "--kaizen-report-md=summary.md",
            "--kaizen-badge=badge-{role}.json",
        ]
        plain, with_reports = [], []
        timed(base, work)  # warm caches
        for _ in range(args.rounds):
            plain.append(timed(base, work))
            with_reports.append(timed(base + reports, work))
        size = (work / "report.json").stat().st_size
    a, b = statistics.median(plain), statistics.median(with_reports)
    print(f"full reference run, {args.rounds} rounds each, alternating")
    print(f"  without reports : median {a:.2f} s (min {min(plain):.2f})")
    print(f"  with all reports: median {b:.2f} s (min {min(with_reports):.2f})")
    print(
        f"  overhead        : {100 * (b - a) / a:+.1f} %  (target < 5 %); report.json {size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
