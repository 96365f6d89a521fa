"""The whole kit on its reference implementations vs bare pytest with as many tmp_path items.

Targets: the full ``--kaizen-reference`` run and the resolver-only run (the reference resolver,
as activity-core's CI configures it) each take at most 1.5x the wall time of bare pytest
running the same number of trivial items that use ``tmp_path``. Paired, alternating whole
process runs; the figure is the ratio of the medians (benchmarks/_timing.py).

Run from a source checkout::

    python benchmarks/bench_full.py [--rounds 5] [--only full|resolver] [--json FILE]
    python benchmarks/bench_full.py --tree before=/tmp/before   # also time another copy of the kit
    python benchmarks/bench_full.py --variant one-call=--kaizen-jobs=1  # and the kit with more args

``--tree LABEL=DIR`` times the kit from DIR (another commit's ``kaizen_conformance`` and
``fixtures``, e.g. ``git archive REV kaizen_conformance fixtures | tar -x -C DIR``) in the same
rounds, so a change is measured before and after under the same machine noise.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compare_with_bare, load, table, write_json

RUNS = {
    "full --kaizen-reference": ["--pyargs", "kaizen_conformance", "--kaizen-reference"],
    "resolver only (resolve_v2)": [
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-resolver=kaizen_conformance.reference.resolver:resolve_v2",
    ],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="runs of each side (default 5)")
    parser.add_argument("--only", choices=("full", "resolver"), help="time one of the two runs")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="also time the kit imported from DIR, in the same rounds (repeatable)",
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="LABEL=ARGS",
        help="also time the kit with these extra arguments (split on spaces), in the same rounds",
    )
    args = parser.parse_args()
    variants = {
        label: extra.split() for label, _, extra in (v.partition("=") for v in args.variant)
    }
    trees = {label: Path(path) for label, _, path in (t.partition("=") for t in args.tree)}
    chosen = {k: v for k, v in RUNS.items() if args.only is None or k.startswith(args.only)}
    figures = {"machine": {"cpus": os.cpu_count(), "load_before": load()}, "runs": {}}
    with tempfile.TemporaryDirectory(prefix="bench-full-") as scratch:
        for number, (label, kit) in enumerate(chosen.items()):
            work = Path(scratch) / str(number)
            figures["runs"][label] = compare_with_bare(
                kit, work, args.rounds, trees=trees, variants=variants
            )
    rows = {}
    for label, row in figures["runs"].items():
        rows[label] = row
        for tree, other in row.get("trees", {}).items():
            rows[f"{label}, kit from {tree}"] = other
        for variant, other in row.get("variants", {}).items():
            rows[f"{label}, {variant}"] = other
    print(table(rows, "kit on its reference", "target <= 1.5"))
    write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
