"""Reports for the compare tests, built from the catalogue: valid against report.schema.json,
each one a role of one implementation, passing every rule unless told which cases fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kaizen_conformance import CONTRACT_VERSION, __version__, contract

DIGEST = "sha256:" + "a" * 64


def report(
    role: str,
    *,
    name: str | None,
    version: str | None = None,
    profile: str | None = None,
    failing: dict[str, list[str]] | None = None,
    contract_version: str = CONTRACT_VERSION,
    kit_version: str = __version__,
    fixtures: str = DIGEST,
    drop: tuple[str, ...] = (),
    date: str = "2026-11-30T12:00:00+00:00",
    spec: str = "team.module:function",
) -> dict[str, Any]:
    """One role's report; ``name=None`` writes it as a kit before implementation names did."""
    failing = failing or {}
    rules = []
    checks = []
    for rule in contract.rules_for(role, profile):
        if rule.id in drop:
            continue
        failed = sorted(failing.get(rule.id, []))
        rules.append(
            {
                "id": rule.id,
                "level": rule.level,
                "verdict": ("failed" if rule.is_must else "not-met") if failed else "passed",
                "cases_passed": 4 - len(failed),
                "cases_total": 4,
                "failed_cases": failed,
                "text": rule.text,
            }
        )
        for case in failed:
            check: dict[str, Any] = {
                "name": f"test_{role}[{case}]",
                "role": role,
                "case": case,
                "rules": [rule.id],
                "level": rule.level,
                "outcome": "failed" if rule.is_must else "not-met",
                "duration_s": 0.01,
                "message": f"{rule.id} {rule.level}: {rule.text}\ncase {case}: the answer was wrong\ndetails",
            }
            if name is not None:
                check["failure_kind"] = "wrong-answer"
            checks.append(check)
    passed = sum(r["verdict"] == "passed" for r in rules)
    must_failed = any(r["verdict"] == "failed" for r in rules)
    implementation: dict[str, Any] = {
        "kind": "callable",
        "spec": spec,
        "origin": f"--kaizen-{role}",
    }
    if name is not None:
        implementation.update(name=name, version=version)
    data = {
        "format": 1,
        "kit": {"name": "kaizen-conformance", "version": kit_version},
        "contract": {"version": contract_version, "catalogue_digest": DIGEST},
        "fixtures": {"digest": fixtures},
        "generated_at": date,
        "strict": False,
        "claim": {role: {"configured": True, "profile": profile, "implementation": implementation}},
        "roles": {
            role: {
                "verdict": "does-not-conform" if must_failed else "conforms",
                "rules_passed": passed,
                "rules_total": len(rules),
                "rules": rules,
            }
        },
        "checks": checks,
    }
    contract.validator("report").validate(data)
    return data


def fleet() -> dict[str, dict[str, Any]]:
    """File name -> report: conforming, failing, an older contract without its newer fields, and
    three runs of one resolver over time."""
    return {
        "hub.json": report("hub", name="state-hub", version="2.1.0", profile="v2"),
        "resolver-1.json": report(
            "resolver",
            name="activity-core",
            version="1.4.0",
            profile="v2",
            failing={"RES-011": ["hub-500"], "RES-001": ["host-path-exact", "fleet-5000"]},
            date="2026-11-01T08:00:00+00:00",
        ),
        "resolver-2.json": report(
            "resolver",
            name="activity-core",
            version="1.5.0",
            profile="v2",
            failing={"RES-011": ["hub-500"]},
            date="2026-11-15T08:00:00+00:00",
        ),
        "resolver-3.json": report("resolver", name="activity-core", version="1.6.0", profile="v2"),
        "validate-new.json": report(
            "validate",
            name="kaizen-agentic",
            version="0.9.2",
            failing={"SCH-002": ["duplicate-names"], "VAL-004": ["yes-as-boolean"]},
        ),
        "validate-old.json": report(
            "validate",
            name=None,
            spec="legacy_validator:validate",
            contract_version="1.0",
            kit_version="0.0.9",
            fixtures="sha256:" + "b" * 64,
            drop=("VAL-004",),
            date="2026-10-01T08:00:00+00:00",
        ),
    }


def write_fleet(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in fleet().items():
        path = directory / name
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        paths.append(path)
    return paths
