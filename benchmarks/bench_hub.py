"""What the seeded in-process hub suite costs next to bare pytest running as many trivial items.

Target: the seeded hub suite on the reference hub, in-process, takes at most 1.5x the wall
time of bare pytest collecting and running the same number of items that do nothing — the
kit's own work (cases, seeding, every GET, every judgement) costs less than half of what
pytest itself costs per item.

Both runs are child processes timed from the outside, alternated so that machine noise hits
both alike; the figure is the ratio of medians. Also timed, for scale: the same suite on the
WSGI app and on the example FastAPI + SQLite hub (when FastAPI is installed), and where the
kit's time goes inside one run (case loading, seeding and reading, judging).

Run from a source checkout::

    python benchmarks/bench_hub.py                 # prints a table
    python benchmarks/bench_hub.py --json benchmarks/results/hub.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parent.parent
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
COMMON = ["-q", "-p", "no:cacheprovider"]


def run(argv: list[str], cwd: Path, junit: Path | None = None) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    extra = [f"--junitxml={junit}"] if junit else []
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "pytest", *argv, *COMMON, *extra],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"pytest {' '.join(argv)} failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
        )
    return seconds


def item_count(suite: list[str], work: Path) -> int:
    junit = work / "count.xml"
    run(["--pyargs", "kaizen_conformance.suite.test_hub", *suite], work, junit)
    return sum(1 for _ in ET.parse(junit).getroot().iter("testcase"))


def bare_suite(work: Path, items: int) -> Path:
    path = work / "bare" / "test_bare.py"
    path.parent.mkdir()
    path.write_text(
        "".join(f"def test_{i}():\n    pass\n\n\n" for i in range(items)), encoding="utf-8"
    )
    return path


def compare(suite: list[str], work: Path, repeat: int) -> dict[str, Any]:
    items = item_count(suite, work)
    bare = bare_suite(Path(tempfile.mkdtemp(dir=work)), items)
    kit_times, bare_times = [], []
    for _ in range(repeat):
        bare_times.append(run([str(bare)], bare.parent))
        kit_times.append(run(["--pyargs", "kaizen_conformance.suite.test_hub", *suite], work))
    kit, plain = statistics.median(kit_times), statistics.median(bare_times)
    return {
        "items": items,
        "kit_s": kit,
        "bare_s": plain,
        "ratio": kit / plain,
        "kit_min_s": min(kit_times),
        "bare_min_s": min(bare_times),
        "runs": repeat,
    }


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
    args = parser.parse_args()
    figures: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "suites": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as scratch:
        work = Path(scratch)
        for label, suite in SUITES.items():
            if label.startswith("example"):
                try:
                    import fastapi  # noqa: F401
                except ImportError:
                    continue
            figures["suites"][label] = compare(suite, work, args.repeat)
    figures["breakdown"] = breakdown()
    print(
        f"{'seeded in-process hub suite':<28} {'items':>5} {'kit s':>7} {'bare s':>7} {'ratio':>6}  (target <= 1.5)"
    )
    for label, row in figures["suites"].items():
        print(
            f"{label:<28} {row['items']:>5} {row['kit_s']:>7.2f} {row['bare_s']:>7.2f} {row['ratio']:>6.2f}"
        )
    print()
    for label, value in figures["breakdown"].items():
        print(f"{label:<48} {value:>8.1f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
