"""``schedule list`` explored: the manifests validate is explored with (``cases/explore_manifests.py``),
each placed in a checkout and listed as a corpus case is (``roles.listing.execute``): a valid one
must be listed as the spec (6b) says, its agents read by the contract's own judge, in file order,
defaults filled in (``judge_listed``, LST-001); an invalid one must be an error naming the file
with nothing on stdout (``judge_error``, LST-002). A failure is written as a corpus entry, as
validate's are (every corpus entry is a list case too).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kaizen_conformance.core.checks import CheckContext, FailureKind, Violation
from kaizen_conformance.roles.explore import Finding
from kaizen_conformance.roles.explore_validate import explore_manifest_tool

if TYPE_CHECKING:
    from kaizen_conformance.cases.corpus import ManifestEntry

ROLE = "list"


def explore_list(context: CheckContext) -> tuple[Finding | None, int]:
    """Run the budget of examples; (the shrunk failure or None, examples run)."""
    return explore_manifest_tool(context, ROLE, "a list", list_one)


def list_one(
    context: CheckContext, entry: ManifestEntry, root: Path
) -> tuple[str, str, FailureKind] | None:
    """list run on ``entry`` as on its corpus case, judged by that case's golden check."""
    from kaizen_conformance.cases.listing import LISTED, corpus_case
    from kaizen_conformance.roles.listing import execute, judge_error, judge_listed

    case = corpus_case(entry)
    run = execute(context, case, root=root)
    rule = "LST-001" if case.answer == LISTED else "LST-002"
    try:
        (judge_listed if case.answer == LISTED else judge_error)(case, run)
    except Violation as violation:
        return rule, str(violation), violation.kind
    return None
