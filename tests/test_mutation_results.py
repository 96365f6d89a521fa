"""The mutation results checked in under tools/mutation/results/ describe the references as they are.

The results (and the equivalent mutants of tools/mutation/equivalents.yml, keyed by line and
column) are measured on one version of each reference module. A reference changed since leaves
them stale: its equivalents point at other code, and its score is no longer the module's. The
mutation run itself is too slow for every CI run; this test only says when it is due.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
RESULTS = sorted((ROOT / "tools" / "mutation" / "results").glob("*.json"))


@pytest.mark.parametrize("result", RESULTS, ids=[path.stem for path in RESULTS])
def test_each_result_was_measured_on_the_reference_as_it_is(result: Path) -> None:
    data = json.loads(result.read_text(encoding="utf-8"))
    module = ROOT / data["module"]
    digest = hashlib.sha256(module.read_bytes()).hexdigest()
    assert data.get("module_sha256") == digest, (
        f"{result.relative_to(ROOT)} was measured on another version of {data['module']}: "
        f"re-run `python tools/mutation/run.py {result.stem}` (see its docstring), after moving "
        f"the module's entries in tools/mutation/equivalents.yml to their new lines"
    )


def test_every_equivalent_points_into_its_module() -> None:
    listed = yaml.safe_load((ROOT / "tools" / "mutation" / "equivalents.yml").read_text("utf-8"))
    for target, entries in listed.items():
        lines = (ROOT / "kaizen_conformance" / "reference" / f"{target}.py").read_text("utf-8")
        lines = lines.splitlines()
        for entry in entries:
            where = f"equivalents.yml {target} line {entry['line']} column {entry['column']}"
            assert 1 <= entry["line"] <= len(lines), f"{where}: past the module's end"
            assert entry["column"] < len(lines[entry["line"] - 1]), f"{where}: past the line's end"
            assert entry["why"].strip(), f"{where}: no argument given"
