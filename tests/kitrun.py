"""Run the kit through pytester and read back per-item outcomes and rule ids from JUnit XML.

``command_option(role, module)`` is the option that runs a Python module as a role's command.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mutants._mistakes import command_option

__all__ = ["KIT_ARGS", "ItemOutcome", "KitRun", "command_option", "read_junit", "run_kit"]

# What every run of the kit's suite gets. The kit alone: schemathesis (in the test extra for
# test_hub_schemathesis.py) adds a pytest plugin that imports, and so assert-rewrites, a module
# at session finish. Under CPython 3.11 that compile raced an abandoned implementation thread
# waking at the same moment ("SystemError: AST constructor recursion depth mismatch"): seen
# once in CI.
KIT_ARGS = ("--pyargs", "kaizen_conformance", "-p", "no:cacheprovider", "-p", "no:schemathesis")

TESTS_DIR = Path(__file__).resolve().parent


@dataclass
class ItemOutcome:
    name: str
    outcome: str  # passed, failed, skipped, xfailed
    properties: dict[str, str]
    message: str = ""

    @property
    def rules(self) -> list[str]:
        return self.properties.get("kaizen_rules", "").split()

    @property
    def kind(self) -> str:
        """The failure kind the kit recorded (wrong-answer, crashed, over-limit, kit-error), or ""."""
        return self.properties.get("kaizen_failure_kind", "")


@dataclass
class KitRun:
    result: pytest.RunResult
    items: list[ItemOutcome] = field(default_factory=list)

    def failed_rules(self) -> set[str]:
        return {rule for item in self.items if item.outcome == "failed" for rule in item.rules}

    def failures(self, rule: str, kind: str | None = None) -> list[ItemOutcome]:
        """The failed items that list ``rule`` (and failed with ``kind``, when given)."""
        return [
            item
            for item in self.items
            if item.outcome == "failed" and rule in item.rules and kind in (None, item.kind)
        ]

    def killed_rules(self, kind: str) -> set[str]:
        """The rules failed with ``kind``: a kill counts only with the failure the mutant is about."""
        return {
            rule
            for item in self.items
            if item.outcome == "failed" and item.kind == kind
            for rule in item.rules
        }

    def kinds(self) -> dict[str, set[str]]:
        """rule -> the kinds it failed with, for messages."""
        found: dict[str, set[str]] = {}
        for item in self.items:
            if item.outcome == "failed":
                for rule in item.rules:
                    found.setdefault(rule, set()).add(item.kind or "?")
        return found

    def outcomes(self) -> dict[str, str]:
        return {item.name: item.outcome for item in self.items}

    def role_items(self, role: str) -> list[ItemOutcome]:
        """The items of one role (a -k expression may also select other roles' skipped items)."""
        return [item for item in self.items if item.properties.get("kaizen_role") == role]

    def role_outcomes(self, role: str) -> dict[str, str]:
        return {item.name: item.outcome for item in self.role_items(role)}


def read_junit(path: Path) -> list[ItemOutcome]:
    items = []
    for case in ET.parse(path).getroot().iter("testcase"):
        properties = {p.get("name", ""): p.get("value", "") for p in case.iter("property")}
        outcome, message = "passed", ""
        for child in case:
            if child.tag == "failure":
                outcome, message = "failed", (child.get("message") or "") + (child.text or "")
            elif child.tag == "error" and outcome != "failed":
                # a setup error (a broken seed) is not the suite catching a mutant on a rule
                outcome, message = "error", (child.get("message") or "") + (child.text or "")
            elif child.tag == "skipped":
                is_xfail = (child.get("type") or "") == "pytest.xfail"
                outcome, message = (
                    ("xfailed" if is_xfail else "skipped"),
                    child.get("message") or "",
                )
        items.append(ItemOutcome(case.get("name", ""), outcome, properties, message))
    return items


class ChildTimeout(Exception):
    """A child pytest run outlived its bound and was killed with its process group."""


def run_bounded(pytester: pytest.Pytester, argv: list[str], limit: float) -> pytest.RunResult:
    """``python -m pytest argv`` in pytester's directory, in its own session, for at most ``limit`` s.

    A child that outlives the bound (a mutant's non-daemon thread, a command it left behind) is
    killed with its whole process group and the test fails, instead of hanging the run. Whatever
    the group left running is killed when the child exits, too.
    """
    basetemp = pytester.path / f"child-basetemp-{time.monotonic_ns()}"
    out, err = pytester.path / "child.stdout", pytester.path / "child.stderr"
    command = [sys.executable, "-m", "pytest", f"--basetemp={basetemp}", *argv]
    started = time.monotonic()
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        child = subprocess.Popen(
            command,
            cwd=pytester.path,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        try:
            child.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            _kill_group(child.pid)
            child.wait()
            tail = err.read_text(errors="replace")[-2000:] + out.read_text(errors="replace")[-2000:]
            raise ChildTimeout(
                f"the child run {command[3:]} ran past {limit:g} s and was killed with its process "
                f"group\n{tail}"
            ) from None
        finally:
            _kill_group(child.pid)
    return pytest.RunResult(
        child.returncode,
        out.read_text(errors="replace").splitlines(),
        err.read_text(errors="replace").splitlines(),
        time.monotonic() - started,
    )


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(pid, signal.SIGKILL)


def run_kit(
    pytester: pytest.Pytester, *args: str, subprocess: bool = False, limit: float = 600
) -> KitRun:
    """``pytest --pyargs kaizen_conformance *args`` in pytester's directory.

    With ``subprocess``, in a child process bounded by ``limit`` seconds (see run_bounded).
    """
    junit = pytester.path / "kit-report.xml"
    argv = [*KIT_ARGS, f"--junitxml={junit}", *args]
    result = run_bounded(pytester, argv, limit) if subprocess else pytester.runpytest(*argv)
    run = KitRun(result)
    if junit.exists():
        run.items = read_junit(junit)
    return run
