"""Known failures (``--kaizen-expectations``): a team adopting the kit lists what it does not
meet yet, with a reason. Listed checks report as expected failures; a listed check that
passes fails the run (strict), so the list can only shrink.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from kaizen_conformance import contract

RULE_ID = re.compile(r"^[A-Z]{3}-\d{3}$")
CHECK_ID = re.compile(r"^(?P<rule>[A-Z]{3}-\d{3})\[(?P<case>[^\]]+)\]$")


@dataclass(frozen=True)
class Expectation:
    id: str
    reason: str
    link: str | None = None

    def matches(
        self, name: str, rules: tuple[str, ...], case: str, charged: tuple[str, ...] = ()
    ) -> bool:
        """Whether this entry lists the check; ``charged``: the rules its failure was charged
        to (a wrong line charged to the rule it names counts against that rule, so a team that
        lists that rule expects this failure too)."""
        return self.id in (name, case) or self.id in rules or self.id in charged

    def describe(self) -> str:
        return f"known failure ({self.id}): {self.reason}" + (
            f" <{self.link}>" if self.link else ""
        )


def load(path_text: str, origin: str) -> list[Expectation]:
    """Read and check the file; any problem is a usage error naming the file and the entry."""
    path = Path(path_text)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise pytest.UsageError(f"{origin}={path_text}: cannot read it: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise pytest.UsageError(f"{origin}={path_text}: not valid YAML: {exc}") from None
    from jsonschema.exceptions import best_match

    error = best_match(contract.validator("expectations").iter_errors(data))
    if error is not None:
        raise pytest.UsageError(
            f"{origin}={path_text}: at {error.json_path}: {error.message}\n"
            "  expected: known_failures: [{id: RES-012, reason: '...', link: 'https://...'}]"
        )
    expectations = [
        Expectation(e["id"], e["reason"], e.get("link")) for e in data["known_failures"]
    ]
    catalogue = contract.catalogue()
    for index, expectation in enumerate(expectations):
        check = CHECK_ID.match(expectation.id)
        rule = (
            check.group("rule")
            if check
            else expectation.id
            if RULE_ID.match(expectation.id)
            else None
        )
        if rule is not None and rule not in catalogue:
            raise pytest.UsageError(
                f"{origin}={path_text}: known_failures[{index}]: {rule} is not in the catalogue "
                "(list the rules with `kaizen-conformance rules`)"
            )
    return expectations


def charged_expectation(
    expectations: list[Expectation], name: str, case: str, charged: tuple[str, ...]
) -> Expectation | None:
    """The entry that lists a failure by a rule it was charged to, not by the check's own."""
    for expectation in expectations:
        if charged and expectation.matches(name, (), case, charged):
            return expectation
    return None


def check_all_used(expectations: list[Expectation], items: list[pytest.Item], origin: str) -> None:
    """A case id or check that matches no collected check is a typo: say so before running."""
    from kaizen_conformance.core.stash import CHECK

    checks = [item.stash[CHECK] for item in items if CHECK in item.stash]
    if not checks:
        return
    for expectation in expectations:
        if RULE_ID.match(expectation.id):
            continue
        if not any(expectation.matches(c.name, c.rules, c.case) for c in checks):
            raise pytest.UsageError(
                f"{origin}: {expectation.id!r} matches no check of this run; use a rule id, a case id "
                "or a check name as shown in the test ids (for example RES-002[flag-true-file-missing])"
            )
