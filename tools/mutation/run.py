"""Mutation score of the reference implementations, measured with cosmic-ray.

    python tools/mutation/run.py resolver schedule prepare manifest_tools hub

For each target it mutates one reference module (``kaizen_conformance/reference/<target>.py``)
and runs the golden suite of that module's role as the test command (``judge.py``): the
resolver's for ``resolver.py`` and for ``schedule.py`` (the manifest reader the resolver
decides with), prepare's, validate/init/list's for ``manifest_tools.py``, the hub's for
``hub.py``. A mutant counts as killed only when a check fails with a wrong answer (or over
the limit on a timing rule): a crash is not a kill, since the contract's verdicts are about
answers. Mutants that break the module's import are set aside, not counted as kills.

Why cosmic-ray rather than mutmut: it takes an arbitrary test command (our suite runs from
``--pyargs`` with kit options, not from a tests/ folder mutmut expects to drive), mutates the
file itself (mutmut 3 rewrites modules into trampolines, which the kit's own integrity check
and its import-by-spec of the target would both see), and keeps every result in a sqlite
session that can be resumed and read back.

The run never touches the working tree: the package, the fixtures and these tools are copied
to a scratch directory, cosmic-ray mutates the copy, and the suite imports the copy
(``PYTHONPATH``). It runs under ``nice -n 19`` with one worker. The kit's in-process calls run
in threads there (``threaded_calls.py``; the verdicts are the same). The result is written to
``tools/mutation/results/<target>.json``: counts, the score and every survivor, with the
equivalent mutants of ``equivalents.yml`` (each with the argument why) counted apart.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TARGETS = {
    "resolver": "resolver",
    "schedule": "resolver, validate, list",
    "prepare": "prepare",
    "manifest_tools": "validate, init, list",
    "hub": "hub",
}
COPIED = ["kaizen_conformance", "fixtures", "pyproject.toml", "tools/mutation"]
VERDICT = re.compile(r"^kaizen-mutation: (\S+) (.*)$", re.MULTILINE)


def copy_tree(scratch: Path) -> Path:
    """The files a run needs, copied so that mutating them never touches the working tree."""
    tree = scratch / "tree"
    for name in COPIED:
        source, target = ROOT / name, tree / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "results"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return tree


def environment(tree: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    env.pop("KAIZEN_CONFORMANCE_FIXTURES", None)
    return env


def write_config(tree: Path, target: str, timeout: float) -> Path:
    config = tree / f"mutation-{target}.toml"
    config.write_text(
        "[cosmic-ray]\n"
        f'module-path = "kaizen_conformance/reference/{target}.py"\n'
        f"timeout = {timeout}\n"
        "excluded-modules = []\n"
        f'test-command = "{sys.executable} tools/mutation/judge.py {target}"\n'
        "\n[cosmic-ray.distributor]\n"
        'name = "local"\n'
    )
    return config


def cosmic_ray(tree: Path, *arguments: str) -> None:
    command = ["nice", "-n", "19", sys.executable, "-m", "cosmic_ray.cli", *arguments]
    subprocess.run(command, cwd=tree, env=environment(tree), check=True)


def unmutated_run(tree: Path, target: str) -> float:
    """The suite on the unmutated module must let it survive, or every kill would be a lie."""
    started = time.perf_counter()
    done = subprocess.run(
        ["nice", "-n", "19", sys.executable, "tools/mutation/judge.py", target],
        cwd=tree,
        env=environment(tree),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    found = VERDICT.findall(done.stdout)
    if done.returncode != 0 or not found or found[-1][0] != "survived":
        sys.exit(f"the unmutated {target} does not pass its suite:\n{done.stdout}\n{done.stderr}")
    return seconds


def equivalents_of(target: str) -> dict[tuple[str, int, int], str]:
    """(operator, line, column) -> why that mutant cannot change an answer."""
    listed = yaml.safe_load((HERE / "equivalents.yml").read_text()) or {}
    return {
        (entry["operator"], entry["line"], entry["column"]): entry["why"]
        for entry in listed.get(target) or []
    }


ANNOTATION = (
    "a type annotation: the module has `from __future__ import annotations`, so Python never "
    "evaluates it and no run can tell the mutant apart"
)


def annotation_spans(module: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the module's annotations are, as ((line, column), (end line, end column))."""
    spans = []
    for node in ast.walk(ast.parse(module.read_text())):
        found: list[ast.expr | None] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append(node.returns)
        elif isinstance(node, (ast.arg, ast.AnnAssign)):
            found.append(node.annotation)
        for annotation in filter(None, found):
            end = (annotation.end_lineno or annotation.lineno, annotation.end_col_offset or 0)
            spans.append(((annotation.lineno, annotation.col_offset), end))
    return spans


COMMAND_WRAPPER = (
    "the command-line wrapper (`main`, its `build_parser`, `if __name__ == '__main__'`): the "
    "golden suite judges "
    "the module's callables, which never reach it"
)


def wrapper_spans(module: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the module's command-line wrapper is: ``def main``, ``def build_parser`` and the
    ``__main__`` guard."""
    spans = []
    for node in ast.parse(module.read_text()).body:
        wrapper = isinstance(node, ast.FunctionDef) and node.name in ("main", "build_parser")
        guard = isinstance(node, ast.If) and "__name__" in ast.unparse(node.test)
        if wrapper or guard:
            spans.append(((node.lineno, 0), (node.end_lineno or node.lineno, 10**6)))
    return spans


def inside(spans: list[tuple[tuple[int, int], tuple[int, int]]], start: tuple[int, int]) -> bool:
    return any(low <= start < high for low, high in spans)


def set_aside_unjudged(session: Path, module: Path) -> None:
    """Mark the mutants inside annotations and the command wrapper done before the run, so
    none costs a suite run (their own category in the results, never a kill)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    annotations, wrapper = annotation_spans(module), wrapper_spans(module)
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item in list(db.pending_work_items):
            start = tuple(item.mutations[0].start_pos)
            why = "annotation" if inside(annotations, start) else ""
            why = why or ("command wrapper" if inside(wrapper, start) else "")
            if why:
                result = WorkResult(
                    worker_outcome=WorkerOutcome.SKIPPED,
                    output=why,
                    test_outcome=TestOutcome.SURVIVED,
                )
                db.set_result(item.job_id, result)


def keep_sample(session: Path, size: int, seed: int) -> None:
    """Run only ``size`` of the pending mutants, drawn at random (``seed`` repeats the draw);
    the rest are marked ``not sampled``. A score from a random sample estimates the whole."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    with use_db(str(session), WorkDB.Mode.open) as db:
        pending = sorted(item.job_id for item in db.pending_work_items)
        if size >= len(pending):
            return
        kept = set(random.Random(seed).sample(pending, size))
        left_out = [job for job in pending if job not in kept]
        result = WorkResult(
            worker_outcome=WorkerOutcome.SKIPPED,
            output="not sampled",
            test_outcome=TestOutcome.SURVIVED,
        )
        db.set_multiple_results(left_out, result)


def changed_lines(diff: str) -> list[str]:
    return [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def collect(session: Path, target: str) -> dict[str, Any]:
    """Read the session back into counts and the mutants that were not killed."""
    from cosmic_ray.work_db import WorkDB, use_db

    equivalent = equivalents_of(target)
    wrapper = wrapper_spans(ROOT / "kaizen_conformance" / "reference" / f"{target}.py")
    counts = dict.fromkeys(
        [
            "total",
            "killed",
            "survived",
            "equivalent",
            "in_annotations",
            "command_wrapper",
            "set_aside",
            "caught_as_crash",
            "timed_out",
            "not_run",
            "not_sampled",
        ],
        0,
    )
    lists: dict[str, list[dict[str, Any]]] = {
        "survivors": [],
        "killed": [],
        "caught_as_crash": [],
        "equivalent": [],
        "set_aside": [],
    }
    with use_db(str(session), WorkDB.Mode.open) as db:
        results = dict(db.results)
        for item in db.work_items:
            counts["total"] += 1
            (mutation,) = item.mutations
            line, column = mutation.start_pos
            entry: dict[str, Any] = {
                "location": f"kaizen_conformance/reference/{target}.py:{line}:{column}",
                "operator": mutation.operator_name,
                "occurrence": mutation.occurrence,
            }
            result = results.get(item.job_id)
            if result is None:
                counts["not_run"] += 1
                continue
            entry["diff"] = changed_lines(result.diff or "")
            output = result.output or ""
            if output == "not sampled":
                counts["not_sampled"] += 1
                continue
            if output == "command wrapper" or inside(wrapper, (line, column)):
                counts["command_wrapper"] += 1
                continue
            if output == "annotation":
                counts["equivalent"] += 1
                counts["in_annotations"] += 1
                continue
            found = VERDICT.findall(output)
            verdict, kinds = found[-1] if found else ("timeout", "{}")
            if output.strip() == "timeout":
                verdict = "timeout"
            key = (mutation.operator_name, line, column)
            if verdict == "killed":
                counts["killed"] += 1
                lists["killed"].append(
                    {key: entry[key] for key in ("location", "operator", "occurrence")}
                )
            elif verdict == "set-aside" and "never reached the hub double" in output:
                counts["caught_as_crash"] += 1
                failures = {"configuration-error": 1}
                lists["caught_as_crash"].append({**entry, "failures": failures})
            elif verdict == "set-aside":
                counts["set_aside"] += 1
                lists["set_aside"].append(entry)
            # an argued equivalent is one the suite could not tell apart: one that hung the run
            # or made a check fail is not, whatever equivalents.yml says of its position
            elif verdict == "timeout":
                counts["timed_out"] += 1
                lists["survivors"].append({**entry, "failures": "the whole run timed out"})
            elif json.loads(kinds):
                # failed, but never on an answer: a crash or an overrun is caught, not killed
                counts["caught_as_crash"] += 1
                lists["caught_as_crash"].append({**entry, "failures": json.loads(kinds)})
            elif key in equivalent or ("any", line, column) in equivalent:
                why = equivalent.get(key) or equivalent[("any", line, column)]
                counts["equivalent"] += 1
                lists["equivalent"].append({**entry, "why": why})
            else:
                counts["survived"] += 1
                lists["survivors"].append(entry)
    judged = (
        counts["total"]
        - counts["equivalent"]
        - counts["set_aside"]
        - counts["command_wrapper"]
        - counts["caught_as_crash"]
        - counts["not_run"]
        - counts["not_sampled"]
    )
    score = round(100 * counts["killed"] / judged, 1) if judged else None
    return {
        # the module as measured: its equivalents are keyed by line and column, and a changed
        # module leaves them (and the score) stale (tests/test_mutation_results.py says so)
        "module_sha256": module_digest(target),
        "not_counted": {
            "in_annotations": ANNOTATION,
            "command_wrapper": COMMAND_WRAPPER,
            "caught_as_crash": "the suite failed, but only with a crash, an overrun outside the timing rules, or a configuration error the mutant caused (a resolver that never asks the hub): caught, not killed by an answer",
            "set_aside": "no role could be configured: the mutant broke the module's import, or (hub) its seed or every answer failed alike, which the kit reports as a configuration error, not a verdict (decisions 17, 18)",
        },
        "counts": counts,
        "score_percent": score,
        "score_counts": "killed / (total - equivalent - set_aside - command_wrapper - caught_as_crash - not_run - not_sampled)",
        **lists,
    }


def module_digest(target: str) -> str:
    """The SHA-256 of the reference module ``target`` as it is in the working tree."""
    module = ROOT / "kaizen_conformance" / "reference" / f"{target}.py"
    return hashlib.sha256(module.read_bytes()).hexdigest()


def carry_kills(session: Path, previous: Path) -> None:
    """Judge again only what an earlier run of the same module left standing (its survivors):
    every other mutant keeps its earlier verdict. Valid while the reference module is unchanged
    and cases were only added (a case added cannot make a kill undone)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    earlier = json.loads(previous.read_text())

    def key_of(entry: dict[str, Any]) -> tuple[str, str, int]:
        return (entry["operator"], entry["location"], entry["occurrence"])

    again = {key_of(entry) for entry in earlier.get("survivors", [])}
    # an overrun may be a kill since the judge's timing rules grew: judged again too
    again |= {
        key_of(entry)
        for entry in earlier.get("caught_as_crash", [])
        if "over-limit" in entry["failures"]
    }
    carried = {key_of(entry): "set-aside {}" for entry in earlier.get("set_aside", [])}
    for entry in earlier.get("equivalent", []):
        carried[key_of(entry)] = "survived {}"
    for entry in earlier.get("caught_as_crash", []):
        carried[key_of(entry)] = "survived " + json.dumps(entry["failures"])
    # kills by position: a results file lists each kill once, so twins at one position (the two
    # NumberReplacer mutants) are told apart by count
    killed = Counter((entry["operator"], entry["location"]) for entry in earlier.get("killed", []))
    not_sampled: list[str] = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item in list(db.pending_work_items):
            (mutation,) = item.mutations
            line, column = mutation.start_pos
            module = mutation.module_path.as_posix()
            key = (mutation.operator_name, f"{module}:{line}:{column}", mutation.occurrence)
            if key in again:
                continue
            if key not in carried:
                if not killed[key[:2]]:
                    not_sampled.append(item.job_id)
                    continue
                killed[key[:2]] -= 1
            verdict = carried.get(key, "killed {}")
            if "configuration-error" in verdict:  # as the judge prints it in a fresh run
                verdict = "set-aside {} never reached the hub double"
            result = WorkResult(
                worker_outcome=WorkerOutcome.SKIPPED,
                output=f"carried from {earlier['measured_at']}\nkaizen-mutation: {verdict}",
                test_outcome=TestOutcome.KILLED
                if verdict.startswith("killed")
                else TestOutcome.SURVIVED,
            )
            db.set_result(item.job_id, result)
        if not_sampled:  # neither judged nor listed before: left out of a sampled run
            skipped = WorkResult(
                worker_outcome=WorkerOutcome.SKIPPED,
                output="not sampled",
                test_outcome=TestOutcome.SURVIVED,
            )
            db.set_multiple_results(not_sampled, skipped)


def run_target(target: str, args: argparse.Namespace) -> None:
    out, sample, seed = args.out, args.sample, args.seed
    args.sessions.mkdir(parents=True, exist_ok=True)
    session = args.sessions / f"{target}.sqlite"
    previous = out / f"{target}.json"
    if args.collect_only:
        result = {**json.loads(previous.read_text()), **collect(session, target)}
        previous.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        print(f"{target}: {result['counts']} score {result['score_percent']} % -> {previous}")
        return
    with tempfile.TemporaryDirectory(prefix=f"kaizen-mutation-{target}-") as scratch:
        tree = copy_tree(Path(scratch))
        unmutated = unmutated_run(tree, target)
        config = write_config(tree, target, args.timeout)
        started = time.perf_counter()
        if not args.resume:
            session.unlink(missing_ok=True)
            cosmic_ray(tree, "init", str(config), str(session))
        set_aside_unjudged(session, tree / "kaizen_conformance" / "reference" / f"{target}.py")
        if args.rerun_survivors:
            carry_kills(session, previous)
        elif sample:
            keep_sample(session, sample, seed)
        cosmic_ray(tree, "exec", str(config), str(session))
        seconds = time.perf_counter() - started
        result = {
            "module": f"kaizen_conformance/reference/{target}.py",
            "judged_by": f"the golden suite of the {TARGETS[target]} role (tools/mutation/judge.py)",
            "tool": f"cosmic-ray {metadata.version('cosmic-ray')}",
            "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            **({"sample": {"size": sample, "seed": seed}} if sample else {}),
            **(
                {"judged_again": "only what the run before did not kill"}
                if args.rerun_survivors
                else {}
            ),
            "seconds": {"run": round(seconds), "unmutated_suite": round(unmutated, 1)},
            **collect(session, target),
        }
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{target}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"{target}: {result['counts']} score {result['score_percent']} % -> {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="+", choices=sorted(TARGETS))
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per mutant")
    parser.add_argument(
        "--sample", type=int, default=0, help="run only this many mutants, drawn at random"
    )
    parser.add_argument("--seed", type=int, default=23, help="the sample's random seed")
    parser.add_argument(
        "--rerun-survivors",
        action="store_true",
        help="judge again only what the results file's run did not kill (after adding cases)",
    )
    parser.add_argument(
        "--collect-only",
        action="store_true",
        help="rewrite the results from the kept session (after editing equivalents.yml)",
    )
    parser.add_argument(
        "--resume", action="store_true", help="go on with the kept session where it stopped"
    )
    parser.add_argument("--sessions", type=Path, default=HERE / "sessions")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    for target in args.targets:
        run_target(target, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
