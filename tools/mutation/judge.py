"""The mutation run's test command: a mutant is killed only by a wrong answer.

``python tools/mutation/judge.py TARGET`` runs the golden suite of TARGET's role (every
profile, one after the other, stopping at the first that kills) with a JSON report, and
reads the report's per-check ``failure_kind``:

- ``wrong-answer`` on any check (or ``over-limit`` on a timing rule): killed, exit 1;
- no report, or a role that could not be configured (the mutant broke the module's import):
  set aside, exit 0, printed as ``set-aside``; a resolver that never asks the hub is a
  configuration error too, but one the mutant caused: counted as ``configuration-error``;
- otherwise survived, exit 0 -- also when the suite failed only with ``crashed`` or
  ``over-limit`` outside the timing rules (printed, so the results say so).

The last line printed is ``kaizen-mutation: VERDICT KINDS`` for ``run.py`` to read back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

# A resolver that never sends its request is a configuration error to the kit (its HTTP client
# is taken to be one the hub double cannot see), not a verdict: caught, but not by an answer.
NEVER_ASKED = "never reached the hub double"
# Rules that ask for an answer within the per-call limit: an overrun on them is the wrong
# behaviour itself (a stalled hub not bounded, an alias bomb expanded; contract sections 1, 3).
TIMING_RULES = frozenset({"RES-012", "RES-016", "SCH-004"})
TIMING_CASES = ["-k", " or ".join(sorted(TIMING_RULES))]  # checks are named RULE[case]
COMMON = ["-q", "-p", "no:cacheprovider", "--kaizen-timeout=5"]
THREADED = ["-p", "threaded_calls"]
# A call in a thread cannot be stopped: a mutant that expands an alias bomb keeps the run busy
# long after its check failed. A threaded run that takes longer than this is judged again with
# the kit's own isolation, which ends each call at its limit (slower, the same verdicts).
THREADED_BUDGET_S = 90
# Plugins installed with the kit's test extra that no golden suite uses: not loading them takes
# ~2 s of CPU off every run (schemathesis alone imports most of that).
for unused in ("schemathesis", "xdist", "xdist.looponfail", "hypothesispytest"):
    COMMON += ["-p", f"no:{unused}"]
RESOLVER = "kaizen_conformance.reference.resolver"
MANIFEST_TOOLS = "kaizen_conformance.reference.manifest_tools"

# target -> the pytest runs that judge it, each a list of arguments after the common ones
RUNS: dict[str, list[list[str]]] = {
    "resolver": [
        [
            "--pyargs",
            "kaizen_conformance.suite.test_resolver",
            f"--kaizen-resolver={RESOLVER}:resolve_v2",
            "--kaizen-resolver-profile=v2",
        ],
        [
            "--pyargs",
            "kaizen_conformance.suite.test_resolver",
            f"--kaizen-resolver={RESOLVER}:resolve_v1",
            "--kaizen-resolver-profile=v1",
        ],
    ],
    "prepare": [
        [
            "--pyargs",
            "kaizen_conformance.suite.test_prepare",
            "--kaizen-prepare=kaizen_conformance.reference.prepare:prepare",
        ],
    ],
    "manifest_tools": [
        [
            "--pyargs",
            "kaizen_conformance.suite.test_validate",
            "kaizen_conformance.suite.test_init",
            "kaizen_conformance.suite.test_list",
            f"--kaizen-validate={MANIFEST_TOOLS}:validate",
            f"--kaizen-init={MANIFEST_TOOLS}:init",
            f"--kaizen-list={MANIFEST_TOOLS}:list_agents",
        ],
    ],
    "hub": [
        [
            "--pyargs",
            "kaizen_conformance.suite.test_hub",
            "--kaizen-hub-app=kaizen_conformance.reference.hub:app",
            "--kaizen-hub-seed=kaizen_conformance.reference.hub:seed",
            "--kaizen-hub-profile=v2",
        ],
        [
            "--pyargs",
            "kaizen_conformance.suite.test_hub",
            "--kaizen-hub-app=kaizen_conformance.reference.hub:app_v1",
            "--kaizen-hub-seed=kaizen_conformance.reference.hub:seed",
            "--kaizen-hub-profile=v1",
        ],
        # the same hub as a WSGI app (as Django and Flask hubs are given)
        [
            "--pyargs",
            "kaizen_conformance.suite.test_hub",
            "--kaizen-hub-app=kaizen_conformance.reference.hub:wsgi_app",
            "--kaizen-hub-seed=kaizen_conformance.reference.hub:seed",
            "--kaizen-hub-profile=v2",
        ],
        # and served on 127.0.0.1, seeded by URL (served_hub.py gives --kaizen-hub-url)
        [
            "-p",
            "served_hub",
            "--pyargs",
            "kaizen_conformance.suite.test_hub",
            "--kaizen-hub-seed=kaizen_conformance.reference.hub:seed",
            "--kaizen-hub-profile=v2",
        ],
    ],
}
# The manifest reader decides for the resolver and for validate and list alike. The resolver
# may include or exclude a parser-dependent manifest (section 7), so only validate (VAL-004)
# tells a reader that misses the parser-dependence from one that finds it. The reader is called
# alike under both profiles (the profile decides only what the hub's flag means), so it is
# judged under v2 alone; and both with libyaml and without it, whose roads differ.
WITHOUT_LIBYAML = ["-p", "without_libyaml"]
RUNS["schedule"] = [
    RUNS["resolver"][0],
    RUNS["manifest_tools"][0],
    WITHOUT_LIBYAML + RUNS["resolver"][0],
    WITHOUT_LIBYAML + RUNS["manifest_tools"][0],
]


def judge_run(
    arguments: list[str], report: Path, first_failure_only: bool
) -> tuple[str, Counter[str]]:
    """One pytest run: its verdict on the mutant and the failure kinds it saw.

    ``first_failure_only`` stops the run at its first failed check (``-x``): most mutants are
    killed by the first check that fails, and the rest are judged again on a whole run.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parent), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    command = [sys.executable, "-m", "pytest", *COMMON, *arguments, f"--kaizen-report={report}"]
    if first_failure_only:
        command.append("-x")
    try:
        done = subprocess.run(
            [*command, *THREADED],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=THREADED_BUDGET_S,
        )
    except subprocess.TimeoutExpired:
        print(f"threaded run over {THREADED_BUDGET_S} s: judged again with the kit's isolation")
        report.unlink(missing_ok=True)
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    kinds: Counter[str] = Counter()
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        return "set-aside", kinds
    roles = data.get("roles", {})
    if any(str(role.get("verdict", "")).startswith("config") for role in roles.values()):
        print(done.stdout[-3000:])
        if NEVER_ASKED in done.stdout:  # the mutant runs, but never asks the hub: caught
            kinds["configuration-error"] += 1
            return "survived", kinds
        return "set-aside", kinds
    killed = False
    for check in data.get("checks", []):
        kind = check.get("failure_kind")
        if not kind:
            continue
        kinds[kind] += 1
        if kind == "wrong-answer" or (
            kind == "over-limit" and TIMING_RULES.intersection(check.get("rules", []))
        ):
            killed = True
            print("kill:", check.get("name"), kind)
    return ("killed" if killed else "survived"), kinds


def main(argv: list[str]) -> int:
    """Judge the mutant in place for the target named in ``argv[0]``."""
    verdict, kinds = "survived", Counter[str]()
    with tempfile.TemporaryDirectory(prefix="kaizen-mutation-") as scratch:
        for index, arguments in enumerate(RUNS[argv[0]]):
            report = Path(scratch) / f"report-{index}.json"
            verdict, seen = judge_run(arguments, report, first_failure_only=True)
            if verdict == "survived" and set(seen) == {"over-limit"}:
                # a call overran outside the timing rules: a mutant that hangs on every manifest
                # takes the limit on every call, so its timing rules' cases alone judge it; one
                # that hangs on a few goes on to the whole run, its overruns kept as caught
                timed, timed_seen = judge_run(arguments + TIMING_CASES, report, False)
                if timed != "survived":
                    verdict, seen = timed, timed_seen
            if verdict == "survived" and seen:  # it failed, but not on an answer: look further
                verdict, seen = judge_run(arguments, report, first_failure_only=False)
            kinds.update(seen)
            if verdict != "survived":
                break
    print("kaizen-mutation:", verdict, json.dumps(dict(sorted(kinds.items()))))
    return 1 if verdict == "killed" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
