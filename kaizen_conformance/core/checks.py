"""What one conformance test item is: a check of some rules against one case.

Role suites (``kaizen_conformance/roles/``) turn their cases into ``Check`` objects; the
session turns each into a pytest item named ``<rule>[<case>]``, so rule ids show in test
ids, in ``-k`` selections and as JUnit properties.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from kaizen_conformance import contract
from kaizen_conformance.core.vocabulary import Level

if TYPE_CHECKING:
    from kaizen_conformance.core.settings import Settings


class Violation(Exception):
    """The implementation under test broke the rule(s) of the check; the message says how."""


@dataclass
class CheckContext:
    """What a running check may use: settings, pytest's temp dirs, and a per-session memo."""

    request: pytest.FixtureRequest
    settings: Settings
    memo: dict[Any, Any]

    def workspace_dir(self, name: str) -> Any:
        factory = self.request.getfixturevalue("tmp_path_factory")
        # Names are unique per case and attempt; numbered=True would rescan the directory on
        # every call, which grows with the number of cases.
        try:
            return factory.mktemp(name, numbered=False)
        except FileExistsError:
            return factory.mktemp(name, numbered=True)

    def remember(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Run an implementation once per case and session, shared by the checks of that case."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


@dataclass(frozen=True)
class Check:
    role: str
    rules: tuple[str, ...]
    case: str
    run: Callable[[CheckContext], None] = field(compare=False)
    description: str = ""

    @property
    def name(self) -> str:
        return f"{self.rules[0]}[{self.case}]"

    @property
    def level(self) -> Level:
        catalogue = contract.catalogue()
        return "MUST" if any(catalogue[r].is_must for r in self.rules) else "SHOULD"

    def headline(self) -> str:
        catalogue = contract.catalogue()
        return "\n".join(f"{r} {catalogue[r].level}: {catalogue[r].text}" for r in self.rules)
