"""Run the kit through pytester and read back per-item outcomes and rule ids from JUnit XML.

``command_option(role, module)`` is the option that runs a Python module as a role's command.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mutants._mistakes import command_option

__all__ = ["ItemOutcome", "KitRun", "command_option", "read_junit", "run_kit"]

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


@dataclass
class KitRun:
    result: pytest.RunResult
    items: list[ItemOutcome] = field(default_factory=list)

    def failed_rules(self) -> set[str]:
        return {rule for item in self.items if item.outcome == "failed" for rule in item.rules}

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


def run_kit(pytester: pytest.Pytester, *args: str, subprocess: bool = False) -> KitRun:
    """``pytest --pyargs kaizen_conformance *args`` in pytester's directory."""
    junit = pytester.path / "kit-report.xml"
    argv = [
        "--pyargs",
        "kaizen_conformance",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        *args,
    ]
    if subprocess:
        result = pytester.runpytest_subprocess(*argv)
    else:
        result = pytester.runpytest(*argv)
    run = KitRun(result)
    if junit.exists():
        run.items = read_junit(junit)
    return run
