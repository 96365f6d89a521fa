"""Parser-dependence measured, not argued: the corpus's marks follow what real YAML readers in
more than one language make of each entry (``fixtures/manifests/parser-evidence.json``, written
by ``tools/parser_evidence.py``), and the data still holds for the readers installed here."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from kaizen_conformance.cases.corpus import manifest_corpus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import parser_evidence  # noqa: E402 - the script beside the repo, not part of the kit

EVIDENCE: dict[str, Any] = json.loads(parser_evidence.EVIDENCE.read_text(encoding="utf-8"))
# where npm installed yaml and js-yaml (outside the repo): nothing from npm is committed
NODE_MODULES = os.environ.get("KAIZEN_YAML_NODE_MODULES", "")


def test_each_entry_carries_the_mark_the_evidence_gives() -> None:
    by_id = {entry.id: entry for entry in manifest_corpus()}
    for entry_id, measured in EVIDENCE["entries"].items():
        split = measured.get("split", False) and "settled" not in measured
        wanted = split or "beyond_yaml" in measured
        assert by_id[entry_id].parser_dependent == wanted, (entry_id, measured)
    # nul-in-comment first: npm's yaml reads it where the others refuse it
    assert EVIDENCE["entries"]["nul-in-comment"]["readers"]["npm-yaml"] == "valid"
    assert by_id["nul-in-comment"].parser_dependent
    # every entry stored as a file is measured
    assert set(EVIDENCE["entries"]) == set(parser_evidence.entries())


def test_more_than_one_language_was_measured() -> None:
    assert {"pyyaml-pure", "pyyaml-libyaml", "ruamel-yaml", "npm-yaml", "js-yaml"} <= set(
        EVIDENCE["readers"]
    )


def compare(measured: dict[str, dict[str, str]], versions: dict[str, str]) -> None:
    for reader, version in versions.items():
        if EVIDENCE["readers"].get(reader) != version:
            continue  # another version may read otherwise: the data names the one measured
        for entry_id, by_reader in measured.items():
            recorded = EVIDENCE["entries"][entry_id]["readers"][reader]
            assert by_reader[reader] == recorded, (entry_id, reader, by_reader[reader], recorded)


def readable() -> dict[str, Path]:
    files = parser_evidence.entries()
    return {k: p for k, p in files.items() if not parser_evidence.before_yaml(p.read_bytes())}


def test_the_python_readers_installed_here_read_as_recorded() -> None:
    versions, measured = parser_evidence.read_python(readable())
    same = [r for r, v in versions.items() if EVIDENCE["readers"].get(r) == v]
    if not same:
        pytest.skip(f"none of the Python readers here is the version measured: {versions}")
    compare(measured, versions)


def test_the_node_readers_read_as_recorded() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: npm's yaml and js-yaml cannot be asked")
    if not NODE_MODULES or not (Path(NODE_MODULES) / "yaml").is_dir():
        pytest.skip(
            "KAIZEN_YAML_NODE_MODULES does not name a node_modules with yaml and js-yaml "
            "(npm install yaml js-yaml in a folder outside the repo)"
        )
    versions, measured = parser_evidence.read_node(readable(), Path(NODE_MODULES))
    compare(measured, versions)
