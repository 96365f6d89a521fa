"""One comparison of many ``--kaizen-report`` files: rules x implementations, per role.

Each team's CI writes its own report; ``kaizen-conformance compare`` reads them all and builds one
comparison (``compare.schema.json``), which the HTML page and the Markdown summary render. The
comparison is honest: a column made by another kit, contract or fixture tree than the role's
newest says so, a column whose verdict its own rule rows contradict says that
(``compare_consistency``), and a rule that one report's contract did not have reads "not in this
contract version", never as a failure. Reports of older kits (without the newer optional fields)
load; reading and checking them, and naming the files that cannot be compared, is
``compare_load``'s.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kaizen_conformance import CONTRACT_VERSION, __version__, contract
from kaizen_conformance.core.options import ROLES
from kaizen_conformance.core.settings import REFERENCE_ORIGINS
from kaizen_conformance.core.vocabulary import FAILING
from kaizen_conformance.reports.compare_consistency import contradictions
from kaizen_conformance.reports.compare_load import (
    CompareError,
    LoadedReport,
    Reading,
    load_reports,
)
from kaizen_conformance.reports.identity import default_name

__all__ = ["CompareError", "LoadedReport", "Reading", "compare", "load_reports", "write_outputs"]

COMPARE_FORMAT = 1
DEFAULT_CONTRACT_URL = "CONTRACT.md"
MESSAGE_LIMIT = 400


def version_key(version: str) -> tuple[int, ...]:
    """``"1.10"`` after ``"1.9"``: versions compare by their numbers, not as text (ASCII digits
    only: ``"²"`` is a digit to ``str.isdigit`` but not to ``int``)."""
    return tuple(int(part) if re.fullmatch(r"[0-9]+", part) else 0 for part in version.split("."))


def implementation_of(claim: dict[str, Any]) -> dict[str, Any]:
    """Name, version, kind and spec of a claim's implementation; older reports lack name/version."""
    impl = claim["implementation"]
    name = impl.get("name") or default_name(
        impl["kind"], impl["spec"], reference=impl["origin"] in REFERENCE_ORIGINS
    )
    return {
        "name": name,
        "version": impl.get("version"),
        "kind": impl["kind"],
        "spec": impl["spec"],
    }


def _column(report_id: str, loaded: LoadedReport, role: str) -> dict[str, Any]:
    data = loaded.data
    role_data = data["roles"][role]
    column: dict[str, Any] = {
        "report": report_id,
        "implementation": implementation_of(data["claim"][role]),
        "profile": data["claim"][role]["profile"],
        "kit_version": data["kit"]["version"],
        "contract_version": data["contract"]["version"],
        "date": data["generated_at"],
        "strict": data["strict"],
        "verdict": role_data["verdict"],
        "rules_passed": role_data["rules_passed"],
        "rules_total": role_data["rules_total"],
        "differences": [],
        "contradictions": contradictions(data, role),
    }
    # Optional, absent in reports that do not carry them: shown only where present.
    for name in ("configuration_error", "enforcement"):
        if name in role_data:
            column[name] = role_data[name]
    return column


def _differences(columns: list[dict[str, Any]], reports: dict[str, LoadedReport]) -> None:
    """Mark every column that was not made like the role's newest one (kit, contract, fixtures)."""
    if len(columns) < 2:
        return
    newest = max(
        columns, key=lambda c: (version_key(c["contract_version"]), c["date"], c["report"])
    )
    base = reports[newest["report"]].data
    for column in columns:
        data = reports[column["report"]].data
        notes = column["differences"]
        if data["contract"]["version"] != base["contract"]["version"]:
            notes.append(
                f"contract {data['contract']['version']}, not {base['contract']['version']}: "
                "rules differ"
            )
        elif data["contract"]["catalogue_digest"] != base["contract"]["catalogue_digest"]:
            notes.append("same contract version, but its rules' text or data differ")
        if data["kit"]["version"] != base["kit"]["version"]:
            notes.append(f"kit {data['kit']['version']}, not {base['kit']['version']}")
        if data["fixtures"]["digest"] != base["fixtures"]["digest"]:
            notes.append("other fixture cases: verdicts were reached on different cases")
        if data["strict"] != base["strict"]:
            notes.append("strict run" if data["strict"] else "not a strict run")


def reason(message: str, case: str) -> str:
    """The violation's own line (after ``case <id>: ``), as the terminal summary shows it; the
    first line when there is none (a crash's exception, say)."""
    marker = f"case {case}: "
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    for line in lines:
        if marker in line:
            return line.split(marker, 1)[1]
    return lines[0] if lines else ""


def _failures(data: dict[str, Any], role: str, rule: str) -> list[dict[str, str]]:
    """Each failed case of a rule with the first line of its message (the report's checks)."""
    found: dict[str, dict[str, str]] = {}
    for check in data["checks"]:
        # a failure charged to other rules than the check's own counts against those (report format 1.2+)
        if check["role"] != role or rule not in (check.get("charged_rules") or check["rules"]):
            continue
        if check["outcome"] not in FAILING or check["case"] in found:
            continue
        message = reason(check.get("message", ""), check["case"])
        if len(message) > MESSAGE_LIMIT:
            message = message[: MESSAGE_LIMIT - 1] + "…"
        found[check["case"]] = {
            "case": check["case"],
            "outcome": check["outcome"],
            "kind": check.get("failure_kind", ""),
            "message": message,
        }
    return [found[case] for case in sorted(found)]


def _cell(column: dict[str, Any], data: dict[str, Any], role: str, rule_id: str) -> dict[str, Any]:
    for rule in data["roles"][role]["rules"]:
        if rule["id"] == rule_id:
            cell: dict[str, Any] = {
                "verdict": rule["verdict"],
                "cases_passed": rule["cases_passed"],
                "cases_total": rule["cases_total"],
                "failed_cases": list(rule["failed_cases"]),
            }
            if rule["failed_cases"]:
                cell["failures"] = _failures(data, role, rule_id)
            return cell
    known = contract.catalogue().get(rule_id)
    profile = column["profile"]
    if (
        known is not None
        and profile
        and profile not in known.profiles
        and column["contract_version"] == CONTRACT_VERSION
    ):
        return {"verdict": "not-in-profile"}
    return {"verdict": "not-in-contract"}


def _rules(columns: list[dict[str, Any]], reports: dict[str, LoadedReport], role: str) -> list[Any]:
    """Every rule any column's report has for the role, in id order, with one cell per column."""
    described: dict[str, dict[str, str]] = {}
    for column in sorted(columns, key=lambda c: version_key(c["contract_version"])):
        for rule in reports[column["report"]].data["roles"][role]["rules"]:
            described[rule["id"]] = {"level": rule["level"], "text": rule["text"]}
    return [
        {
            "id": rule_id,
            "level": described[rule_id]["level"],
            "text": described[rule_id]["text"],
            "anchor": rule_id.lower(),
            "cells": [_cell(c, reports[c["report"]].data, role, rule_id) for c in columns],
        }
        for rule_id in sorted(described)
    ]


def _history(
    role: str, runs: list[dict[str, Any]], reports: dict[str, LoadedReport]
) -> dict[str, Any]:
    runs = sorted(runs, key=lambda c: (c["date"], c["report"]))
    rules = _rules(runs, reports, role)
    return {
        "role": role,
        "implementation": runs[-1]["implementation"]["name"],
        "profile": runs[-1]["profile"],
        "runs": [
            {
                "report": r["report"],
                "date": r["date"],
                "version": r["implementation"]["version"],
                "contract_version": r["contract_version"],
                "verdict": r["verdict"],
            }
            for r in runs
        ],
        "rules": [
            {
                "id": rule["id"],
                "level": rule["level"],
                "verdicts": [c["verdict"] for c in rule["cells"]],
            }
            for rule in rules
        ],
    }


def _implementation_key(column: dict[str, Any]) -> tuple[str, str, str | None]:
    """What makes runs one implementation's history: the name it was given
    (``--kaizen-implementation-name``) and profile; for a name the target only derives from its
    module or program, the target itself, so ``kz.resolver:resolve`` and ``kz.resolver:broken``
    stay two implementations instead of one hiding the other in its history."""
    impl = column["implementation"]
    derived = impl["name"] == default_name(impl["kind"], impl["spec"], reference=False)
    return impl["name"], impl["spec"] if derived else "", column["profile"]


def _name_apart(runs: dict[tuple[str, str, str | None], list[dict[str, Any]]]) -> None:
    """Implementations whose derived names coincide (two functions of one module) are named by
    their targets, so their columns and histories can be told apart."""
    for (name, spec, profile), group in runs.items():
        if spec and any(
            other[0] == name and other[2] == profile and other[1] != spec for other in runs
        ):
            for column in group:
                column["implementation"]["name"] = spec


def compare(
    loaded: list[LoadedReport],
    contract_url: str = DEFAULT_CONTRACT_URL,
    unread: list[CompareError] | None = None,
) -> dict[str, Any]:
    """The comparison (``compare.schema.json``): per role, the newest run of each implementation
    as a column, a history for each implementation given more than once, and the files that
    could not be compared (``unread``), each with what is wrong."""
    ids = [f"r{index + 1}" for index in range(len(loaded))]
    reports = dict(zip(ids, loaded, strict=True))
    roles = []
    histories = []
    for role in ROLES:
        runs: dict[tuple[str, str, str | None], list[dict[str, Any]]] = {}
        for report_id, report in reports.items():
            claim = report.data["claim"].get(role)
            if role not in report.data["roles"] or not claim or not claim["implementation"]:
                continue
            column = _column(report_id, report, role)
            runs.setdefault(_implementation_key(column), []).append(column)
        if not runs:
            continue
        _name_apart(runs)
        columns = [max(group, key=lambda c: (c["date"], c["report"])) for group in runs.values()]
        columns.sort(key=lambda c: (c["implementation"]["name"], c["profile"] or ""))
        _differences(columns, reports)
        roles.append({"role": role, "columns": columns, "rules": _rules(columns, reports, role)})
        histories += [_history(role, group, reports) for group in runs.values() if len(group) > 1]
    return {
        "format": COMPARE_FORMAT,
        "kit": {"name": "kaizen-conformance", "version": __version__},
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "contract_url": contract_url,
        "reports": [
            {
                "id": report_id,
                "source": report.source,
                "generated_at": report.data["generated_at"],
                "kit_version": report.data["kit"]["version"],
                "contract_version": report.data["contract"]["version"],
                "catalogue_digest": report.data["contract"]["catalogue_digest"],
                "fixtures_digest": report.data["fixtures"]["digest"],
                "strict": report.data["strict"],
            }
            for report_id, report in reports.items()
        ],
        "unread": [
            {"source": problem.source, "problem": problem.problem} for problem in unread or []
        ],
        "mixed": _mixed(reports),
        "roles": roles,
        "history": histories,
    }


def _mixed(reports: dict[str, LoadedReport]) -> list[str]:
    """Page-wide notes: more than one kit, contract or fixture tree among the reports."""
    notes = []
    for what, part, field in (
        ("contract versions", "contract", "version"),
        ("kit versions", "kit", "version"),
        ("fixture trees", "fixtures", "digest"),
    ):
        counts = Counter(str(r.data[part][field]) for r in reports.values())
        if len(counts) > 1:
            shown = ", ".join(sorted(v if not v.startswith("sha256:") else v[7:19] for v in counts))
            notes.append(f"{len(counts)} {what} among these reports ({shown})")
    return notes


def write_outputs(comparison: dict[str, Any], out: Path) -> list[Path]:
    """``index.html``, ``compare.md`` and ``compare.json`` in ``out``; with the default (relative)
    contract link, also ``CONTRACT.md``, the contract of the kit that made the page, so that
    every rule link resolves on any static host and from ``file://``."""
    from kaizen_conformance.reports.compare_html import html
    from kaizen_conformance.reports.compare_markdown import markdown

    out.mkdir(parents=True, exist_ok=True)
    written = {
        "index.html": html(comparison),
        "compare.md": markdown(comparison),
        "compare.json": json.dumps(comparison, indent=2, ensure_ascii=False) + "\n",
    }
    if comparison["contract_url"] == DEFAULT_CONTRACT_URL:
        from kaizen_conformance.roles.registry import contract_document

        written[DEFAULT_CONTRACT_URL] = contract_document()
    paths = []
    for name, text in written.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
