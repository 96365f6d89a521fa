"""What the decision table needs to know about one record of a materialised resolver case.

``record_facts`` reads the record as the hub gave it and the checkout its host path names,
with the kit's own manifest judge, so that a case's expected outcome, and a resolver's
answer, can be held to ``contract/decision-table.yml`` record by record. ``decide`` is that
one question, "which row decides this record", asked by the kit's tests of every case and by
the resolver suite of every record a resolver got wrong (to name the rule it broke).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kaizen_conformance.cases.hub import FLAG
from kaizen_conformance.contract import manifest_judge
from kaizen_conformance.contract.decisions import Row, table


def host_path_fact(record: dict[str, Any], hostname: str) -> str:
    """``usable``, ``none`` or ``unusable`` for this runner's entry in the record's host_paths."""
    paths = record["host_paths"]
    if hostname not in paths:
        return "none"
    path = paths[hostname]
    if not isinstance(path, str) or "\0" in path or not os.path.isabs(path):
        return "unusable"
    if ".." in PurePosixPath(path).parts or not os.path.isdir(path):
        return "unusable"
    return "usable"


def manifest_fact(checkout: str) -> str:
    """``valid``, ``missing``, ``invalid`` or ``parser-dependent``: the manifest of ``checkout``
    as section 1 judges it. A manifest valid to a safe loader that the portable reading (the
    same under YAML 1.1 and 1.2, libyaml or not) refuses is parser-dependent."""
    verdict = manifest_judge.check_checkout(Path(checkout))
    if not verdict.valid:
        return "missing" if verdict.missing else "invalid"
    portable = manifest_judge.check_checkout(Path(checkout), portable=True)
    return "valid" if portable.valid else "parser-dependent"


def record_facts(record: Any, *, hostname: str, domain: str | None, profile: str) -> dict[str, str]:
    """The table's four facts for one record (a fact that cannot matter is left out)."""
    if (
        not isinstance(record, dict)
        or not isinstance(record.get("slug"), str)
        or not record["slug"]
        or not isinstance(record.get("host_paths"), dict)
    ):
        return {"record": "malformed"}
    if domain is not None and record.get("domain") != domain:
        return {"record": "other-domain"}
    facts = {"record": "ok", "host_path": host_path_fact(record, hostname)}
    if FLAG not in record:
        facts["flag"] = "absent"
    elif isinstance(record[FLAG], bool):
        facts["flag"] = str(record[FLAG]).lower()
    else:
        facts["flag"] = "not-boolean" if profile == "v2" else "absent"
    if facts["host_path"] == "usable":
        facts["manifest"] = manifest_fact(record["host_paths"][hostname])
    return facts


@dataclass(frozen=True)
class Decision:
    """A record's facts and the row of the decision table that decides it."""

    facts: Mapping[str, str]
    row: Row

    def deciding_facts(self) -> str:
        """The facts the row names, as a failure shows them: ``flag false``, ``host path none``."""
        return ", ".join(f"{name.replace('_', ' ')} {self.facts[name]}" for name in self.row.when)


def decide(record: Any, *, hostname: str, domain: str | None, profile: str) -> Decision:
    """Which row of the decision table decides ``record`` for this runner, domain and profile.

    The record's host path must still point at its materialised checkout: the manifest there
    is one of the facts.
    """
    facts = record_facts(record, hostname=hostname, domain=domain, profile=profile)
    return Decision(facts, table().decide(facts, profile))
