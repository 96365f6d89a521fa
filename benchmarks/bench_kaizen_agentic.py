"""The kaizen-agentic recipe on a Typer CLI: as a command, through ``--kaizen-cli``, and as callables.

The README's kaizen-agentic line (``--kaizen-prepare-cmd``, ``--kaizen-validate-cmd``,
``--kaizen-init-cmd``, ``--kaizen-list-cmd``) runs against ``tests/consumers/kaizen_agentic``,
a Typer CLI with the four ``schedule`` commands that delegates to the kit's reference
implementations, three ways in the same rounds (rotated, so a busy machine slows all alike):

- ``command``: the templates run the CLI's console script, one process per call;
- ``in-process``: the same templates with ``--kaizen-cli=kaizen-agentic=...:app``, the app
  called in a child process forked from the kit;
- ``callables``: the same code as in-process callables (``--kaizen-prepare=...`` and so on).

Each figure is the median wall time of whole pytest runs (at least 5 rounds), and the ratio to
the callables; the target is ``in-process`` within 2x of ``callables``. The verdicts of the three
are compared item by item (JUnit) on the first round: a difference stops the benchmark.

Run from a source checkout with the test extra installed (Typer)::

    python benchmarks/bench_kaizen_agentic.py                 # 5 rounds, prints a table
    python benchmarks/bench_kaizen_agentic.py --rounds 7 --json benchmarks/results/kaizen-agentic.json
    python benchmarks/bench_kaizen_agentic.py --forms in-process   # without the slow command form
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _timing import ROOT, load, pytest_env, rotated, run_pytest, write_json
from consumers.kaizen_agentic.cli import IN_PROCESS, RECIPE, path_with, script

TESTS = ROOT / "tests"

SUITE = ["--pyargs", "kaizen_conformance", "-p", "no:schemathesis"]
REFERENCE = "kaizen_conformance.reference"
CALLABLES = [
    f"--kaizen-prepare={REFERENCE}.prepare:prepare",
    f"--kaizen-validate={REFERENCE}.manifest_tools:validate",
    f"--kaizen-init={REFERENCE}.manifest_tools:init",
    f"--kaizen-list={REFERENCE}.manifest_tools:list_agents",
]
FORMS: dict[str, list[str]] = {
    "command": [*RECIPE],
    "in-process": [*RECIPE, IN_PROCESS],
    "callables": CALLABLES,
}


def outcomes(junit: Path) -> dict[str, str]:
    """Item -> outcome, from a run's JUnit XML."""
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        found[case.get("name", "")] = kinds[0] if kinds else "passed"
    return found


def measure(
    rounds: int, work: Path, select: list[str], forms: list[str] | None = None
) -> dict[str, Any]:
    env = pytest_env(TESTS)
    env["PATH"] = path_with(script(work / "bin").parent)
    first: dict[str, dict[str, str]] = {}

    def action(label: str) -> Any:
        def run() -> float:
            junit = work / f"{label}.xml" if label not in first else None
            seconds = run_pytest([*SUITE, *FORMS[label], *select], work, env, junit)
            if junit is not None:
                first[label] = outcomes(junit)
            return seconds

        return run

    chosen = forms or list(FORMS)
    times = rotated({label: action(label) for label in chosen}, rounds)
    verdicts = {label: first[label] for label in chosen}
    names = set().union(*verdicts.values())
    differ = sorted(name for name in names if len({v.get(name) for v in verdicts.values()}) > 1)
    if differ:
        raise SystemExit(f"the forms disagree on {len(differ)} items: {differ[:20]}")
    base = statistics.median(times["callables"])
    return {
        label: {
            "items": len(verdicts[label]),
            "median_s": statistics.median(seconds),
            "min_s": min(seconds),
            "ratio_to_callables": statistics.median(seconds) / base,
            "runs": rounds,
            "load": load(),
        }
        for label, seconds in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="paired rounds (median of these)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--select", metavar="EXPR", help="only the items pytest -k EXPR selects (a quick check)"
    )
    parser.add_argument(
        "--forms",
        default=",".join(FORMS),
        help="the forms to time, comma-separated (callables always; default: all three)",
    )
    args = parser.parse_args()
    forms = [form for form in args.forms.split(",") if form in FORMS and form != "callables"]
    with tempfile.TemporaryDirectory(prefix="kaizen-bench-agentic-") as scratch:
        select = ["-k", args.select, "--kaizen-allow-incomplete"] if args.select else []
        figures = measure(args.rounds, Path(scratch), select, [*forms, "callables"])
    print(
        f"{'kaizen-agentic recipe':<24} {'items':>5} {'median s':>9} {'min s':>7} {'x callables':>12}"
    )
    for label, row in figures.items():
        print(
            f"{label:<24} {row['items']:>5} {row['median_s']:>9.2f} {row['min_s']:>7.2f} "
            f"{row['ratio_to_callables']:>12.2f}  ({row['runs']} rounds, load {row['load']})"
        )
    print("target: in-process within 2x of callables (issue 25)")
    write_json(args.json, {"kaizen_agentic": figures})


if __name__ == "__main__":
    main()
