"""What every role's exploration shares: drawing choices that shrink toward the ordinary one,
stable example ids, and writing a shrunk failure out as a ready fixture case.

The examples of each role are drawn in their own module (``explore_resolver``, ``explore_hub``,
``explore_prepare``), each as the data of that role's ``case.yml``, so a failing example is
written out as exactly the case the golden suite loads.

This module imports Hypothesis at its top: only ``--kaizen-explore`` imports it (the session
refuses that option, with the fix, where Hypothesis is not installed).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hypothesis import strategies as st


def mostly(common: tuple[Any, ...], rare: tuple[Any, ...], odds: int = 2) -> st.SearchStrategy[Any]:
    """One of ``common`` ``odds`` times in ``odds + 1``, else one of ``rare``: a roster of only odd
    records includes nothing, and a mistake about included repos would go unseen. Shrinks toward
    ``common[0]``."""
    return st.integers(0, odds).flatmap(
        lambda n: st.sampled_from(common) if n < odds else st.sampled_from(rare)
    )


def example_id(data: Mapping[str, Any]) -> str:
    """A stable id for an example: the same example is the same case, on every machine."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return "explore-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def write_case(
    out: Path,
    role: str,
    case_id: str,
    case: Mapping[str, Any],
    files: Mapping[str, bytes] | None = None,
) -> Path:
    """``out/<role>/<id>/case.yml`` (and any ``files`` beside it, by relative path): the layout
    of a fixture tree, so it can be copied into one."""
    import yaml

    where = out / role / case_id
    where.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(dict(case), sort_keys=False, allow_unicode=True, width=100)
    (where / "case.yml").write_text(text, encoding="utf-8")
    for relative, content in (files or {}).items():
        target = where / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return where
