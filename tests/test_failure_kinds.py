"""Every failed check says what happened, as data: JUnit property, JSON report and summary.

wrong-answer (the check judged the output), crashed (raised / exited non-zero / could not run
where an answer was due), over-limit (ran past --kaizen-timeout), kit-error (the kit broke).
"""

from __future__ import annotations

import json

import pytest
from kitrun import KitRun, run_kit

from kaizen_conformance import contract
from kaizen_conformance.core import checks

CASE = "flag-true-file-valid"  # a resolver case whose outcome is a non-empty list

RESOLVERS = """\
import threading

import httpx

def empty(hub_url, hostname, domain=None):
    # asks the hub (a resolver that never did would be a configuration error), then answers nothing
    httpx.get(hub_url.rstrip("/") + "/repos/", timeout=5)
    return []

def wrong_arity(hub_url, hostname):
    return []

def hangs(hub_url, hostname, domain=None):
    threading.Event().wait()
"""


def run_case(pytester: pytest.Pytester, function: str, *extra: str) -> tuple[KitRun, dict]:
    pytester.makepyfile(resolvers=RESOLVERS)
    pytester.syspathinsert()
    run = run_kit(
        pytester,
        f"--kaizen-resolver=resolvers:{function}",
        "-k",
        CASE,
        "--kaizen-report=report.json",
        *extra,
    )
    report = json.loads((pytester.path / "report.json").read_text())
    contract.validator("report").validate(report)
    return run, report


def failed(run: KitRun, report: dict) -> tuple[set[str], set[str]]:
    """The kinds of the failed items: from JUnit, and from the JSON report."""
    junit = {item.kind for item in run.items if item.outcome == "failed"}
    json_kinds = {c["failure_kind"] for c in report["checks"] if c["outcome"] == "failed"}
    assert all("failure_kind" not in c for c in report["checks"] if c["outcome"] == "passed")
    return junit, json_kinds


def test_a_wrong_answer_is_reported_as_one(pytester: pytest.Pytester) -> None:
    run, report = run_case(pytester, "empty")
    assert failed(run, report) == ({"wrong-answer"}, {"wrong-answer"})
    summary = run.result.stdout.str()
    assert "wrong answer in 1 case" in summary, summary
    assert "`" not in summary.split("wrong answer in 1 case")[1].splitlines()[0]


def test_a_crash_is_reported_with_what_it_raised(pytester: pytest.Pytester) -> None:
    run, report = run_case(pytester, "wrong_arity")
    assert failed(run, report) == ({"crashed"}, {"crashed"})
    run.result.stdout.re_match_lines(
        [r".*RES-\d+: crashed in 1 case — `raised TypeError: wrong_arity\(\) takes 2 positional.*"]
    )


def test_running_past_the_limit_is_reported_as_over_limit(pytester: pytest.Pytester) -> None:
    # 1 s: long enough that a loaded machine does not starve a passing call, short for the test
    run, report = run_case(pytester, "hangs", "--kaizen-timeout=1")
    assert failed(run, report) == ({"over-limit"}, {"over-limit"})
    run.result.stdout.re_match_lines([r".*RES-\d+: over limit in 1 case — `did not return.*"])


def test_the_kit_failing_is_a_kit_error_not_a_judgement(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import kaizen_conformance.roles.resolver as role

ORIGINAL = role.CHECKERS["boundary"]

def pytest_configure(config):
    def broken(case, context):
        raise RuntimeError("the kit's own check broke")

    role.CHECKERS["boundary"] = broken

def pytest_unconfigure(config):
    role.CHECKERS["boundary"] = ORIGINAL  # the run is in-process: leave the kit as it was
"""
    )
    run, report = run_case(pytester, "empty")
    boundary = [item for item in run.items if item.name.startswith("RES-015")]
    assert [item.kind for item in boundary] == ["kit-error"]
    assert "the kit's own check broke" in boundary[0].message
    kinds = {c["name"]: c.get("failure_kind") for c in report["checks"]}
    assert kinds[boundary[0].name] == "kit-error"
    run.result.stdout.re_match_lines([r".*RES-015: kit error in 1 case — .*"])


@pytest.mark.parametrize(
    ("returncode", "stderr", "crashed"),
    [
        (1, "schedule validate: .kaizen/schedule.yml: version must be 1", False),  # a refusal
        (1, "Traceback (most recent call last):\n  ...\nKeyError: 'agents'\n", True),
        (1, "/usr/bin/python3: No module named resolve_kaizen\n", True),
        (
            2,
            "python3: can't open file '/x/resolve.py': [Errno 2] No such file or directory\n",
            True,
        ),
        (127, "sh: 1: resolve-kaizen: not found\n", True),
        (-11, "", True),  # killed by a signal
        (0, "Traceback (most recent call last):\n", False),  # exit 0 is an answer, judged as one
    ],
)
def test_a_command_that_crashed_is_told_from_one_that_refused(
    returncode: int, stderr: str, crashed: bool
) -> None:
    assert checks.crashed_command(returncode, stderr) is crashed


def test_a_programming_error_is_a_crash_and_a_refusal_is_not() -> None:
    assert checks.crashed_call("TypeError") and checks.crashed_call("ModuleNotFoundError")
    assert not checks.crashed_call("ValueError") and not checks.crashed_call("ManifestInvalid")
    assert checks.Violation("x").kind is checks.FailureKind.WRONG_ANSWER
    assert checks.Violation("x", "crashed").kind is checks.FailureKind.CRASHED
