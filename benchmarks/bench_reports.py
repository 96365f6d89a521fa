"""What writing every report costs on a full run (target: under 5 %).

Runs the whole suite on the reference implementations with and without
--kaizen-report, --kaizen-report-md and --kaizen-badge, alternating, and compares medians.
Run:  python benchmarks/bench_reports.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import paired, run_pytest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    base = ["--pyargs", "kaizen_conformance", "--kaizen-reference"]
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        reports = [
            "--kaizen-report=report.json",
            "--kaizen-report-md=summary.md",
            "--kaizen-badge=badge-{role}.json",
        ]
        run_pytest(base, work)  # warm caches
        plain, with_reports = paired(
            lambda: run_pytest(base, work), lambda: run_pytest(base + reports, work), args.rounds
        )
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
