"""What the seeded in-process hub suite costs next to bare pytest running as many trivial items.

Target: the seeded hub suite on the reference hub, in-process, takes at most 1.5x the wall
time of bare pytest collecting and running the same number of items that do nothing — the
kit's own work (cases, seeding, every GET, every judgement) costs less than half of what
pytest itself costs per item.

Both runs are child processes timed from the outside, alternated so that machine noise hits
both alike; the figure is the ratio of medians (benchmarks/_timing.py; the bare items use
tmp_path). Also timed, for scale: the same suite on the
WSGI app and on the example FastAPI + SQLite hub (when FastAPI is installed), and where the
kit's time goes inside one run (case loading, seeding and reading, judging).

Run from a source checkout::

    python benchmarks/bench_hub.py                 # prints a table
    python benchmarks/bench_hub.py --json benchmarks/results/hub.json
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import ROOT, compare_with_bare, pytest_env, table, write_json

REFERENCE = "kaizen_conformance.reference.hub"
SEED = f"--kaizen-hub-seed={REFERENCE}:seed"
SUITES = {
    "reference, ASGI": [f"--kaizen-hub-app={REFERENCE}:app", SEED],
    "reference, WSGI": [f"--kaizen-hub-app={REFERENCE}:wsgi_app", SEED],
    "example FastAPI + SQLite": [
        "--kaizen-hub-app=consumers.state_hub.main:app",
        "--kaizen-hub-seed=consumers.state_hub.kaizen:seed",
    ],
}
TEST_HUB = ["--pyargs", "kaizen_conformance.suite.test_hub"]


def breakdown() -> dict[str, float]:
    """Where the kit's own time goes, in this process: cases, then each case seeded and read, then judged."""
    sys.path.insert(0, str(ROOT / "tests"))
    from kaizen_conformance.adapters.hub import open_driver
    from kaizen_conformance.core.settings import OptionValues, RoleTarget, Settings
    from kaizen_conformance.roles import hub as role

    started = time.perf_counter()
    import asyncio  # noqa: F401 - what the in-process drivers need, timed on its own

    import httpx  # noqa: F401
    import jsonschema  # noqa: F401

    imported = time.perf_counter()
    cases = role.hub_cases()
    role.probes()
    loaded = time.perf_counter()
    settings = Settings(
        targets={"hub": RoleTarget("hub", "app", f"{REFERENCE}:app", "benchmark")},
        profiles={"hub": "v2"},
        timeout=15.0,
        strict=False,
        hub_double="respx",
        rootpath=ROOT,
        options=OptionValues.from_table({"hub_seed": f"{REFERENCE}:seed"}),
    )
    driver = open_driver(settings)
    opened = time.perf_counter()
    observations = [role.observe(driver, settings, case) for case in cases]
    observed = time.perf_counter()
    requests = sum(3 + len(o.views) + len(o.refusals) for o in observations)
    for observation in observations:
        for rule, check in role.CHECKERS.items():
            if rule == "HUB-003" or observation.case is not None:
                check(observation)
    judged = time.perf_counter()
    driver.close()
    return {
        "import httpx, asyncio, jsonschema (ms)": (imported - started) * 1000,
        "load and lint the cases (ms)": (loaded - imported) * 1000,
        "start the app (ms)": (opened - loaded) * 1000,
        f"seed and read {len(cases)} cases, {requests} GETs (ms)": (observed - opened) * 1000,
        "per GET, seeding included (ms)": (observed - opened) * 1000 / requests,
        "judge every rule of every case (ms)": (judged - observed) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each side (default 7)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--only", help="time only the suites whose label holds this text")
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="also time the kit imported from DIR (another commit's kaizen_conformance and "
        "fixtures), in the same rounds",
    )
    args = parser.parse_args()
    trees = {label: Path(path) for label, _, path in (t.partition("=") for t in args.tree)}
    figures: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "suites": {},
    }
    env = pytest_env(ROOT / "tests")  # the example hub is tests/consumers/state_hub
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as scratch:
        for number, (label, suite) in enumerate(SUITES.items()):
            if args.only and args.only not in label:
                continue
            if label.startswith("example"):
                try:
                    import fastapi  # noqa: F401
                except ImportError:
                    continue
            work = Path(scratch) / str(number)
            figures["suites"][label] = compare_with_bare(
                [*TEST_HUB, *suite], work, args.repeat, env, trees
            )
    if not args.only:
        figures["breakdown"] = breakdown()
    rows = {}
    for label, row in figures["suites"].items():
        rows[label] = row
        for tree, other in row.get("trees", {}).items():
            rows[f"{label}, kit from {tree}"] = other
    print(
        table(
            rows,
            "seeded in-process hub suite",
            "target <= 1.5; the example hub <= 2",
        )
    )
    print()
    for label, value in figures.get("breakdown", {}).items():
        print(f"{label:<48} {value:>8.1f}")
    write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
