"""Which roles exploration covers, and each one's explorer (``--kaizen-explore``).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from collections.abc import Callable

from kaizen_conformance.core.checks import CheckContext
from kaizen_conformance.roles.explore import Finding
from kaizen_conformance.roles.explore_hub import explore_hub
from kaizen_conformance.roles.explore_list import explore_list
from kaizen_conformance.roles.explore_prepare import explore_prepare
from kaizen_conformance.roles.explore_resolver import explore_resolver
from kaizen_conformance.roles.explore_validate import explore_validate

Explorer = Callable[[CheckContext], "tuple[Finding | None, int]"]

EXPLORERS: dict[str, Explorer] = {
    "resolver": explore_resolver,
    "hub": explore_hub,
    "validate": explore_validate,
    "list": explore_list,
    "prepare": explore_prepare,
}


def explore(context: CheckContext, role: str) -> tuple[Finding | None, int]:
    """Run ``role``'s exploration budget; (the shrunk failure or None, examples run)."""
    return EXPLORERS[role](context)
