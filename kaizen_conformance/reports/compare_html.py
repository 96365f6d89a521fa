"""The comparison as one self-contained HTML page (``index.html``): no CDN, no network.

The page's frame, style and script are data files in ``reports/templates/``, inlined at render
time, so the page works from ``file://`` and any static host. It is readable without its script
(the filters only hide) and without colour (every verdict is a symbol and a word); its tables
are real tables with ``<th scope>``, and failing cases open in ``<details>``.

Every value from a report is escaped, and the page carries a strict Content-Security-Policy:
nothing loads from anywhere, and only the page's own ``<style>`` and ``<script>`` blocks run,
named by their SHA-256 (computed here, over the exact text inlined). A report that got markup
past the escaping still could not run a script or fetch anything.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from pathlib import Path
from string import Template
from typing import Any

from kaizen_conformance.core.options import ROLES
from kaizen_conformance.reports.compare_markdown import (
    CELL,
    CONTRADICTED,
    ENFORCEMENT_TITLE,
    ROLE_VERDICT,
    cell_label,
    enforcement_text,
    rule_link,
    verdict_label,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
PROFILED = ("hub", "resolver")


def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def csp_source(block: str) -> str:
    """``'sha256-…'``: the CSP source that allows exactly this inline block's text."""
    digest = hashlib.sha256(block.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(style: str, script: str) -> str:
    """Nothing from anywhere (``default-src 'none'``); the inline style and script by hash only,
    so no injected block, attribute handler or ``javascript:`` URL runs; no ``<base>``, no form
    submission."""
    return (
        f"default-src 'none'; style-src {csp_source(style)}; script-src {csp_source(script)}; "
        "base-uri 'none'; form-action 'none'"
    )


def _verdict_class(prefix: str, verdict: str, known: dict[str, str]) -> str:
    """``v-failed``: the class that colours a verdict; a word the kit does not know gets
    ``v-unknown``, so no text from a report becomes a class name."""
    return f"{prefix}-{verdict if verdict in known else 'unknown'}"


def _radios(name: str, values: list[tuple[str, str]]) -> str:
    return "".join(
        f'<label><input type="radio" name="{name}" value="{escape(value)}"'
        f"{' checked' if index == 0 else ''}> {escape(label)}</label>"
        for index, (value, label) in enumerate(values)
    )


def _profile_attr(role: str, column: dict[str, Any]) -> str:
    """Hub and resolver columns carry their profile for the filter; other roles have none."""
    if role not in PROFILED:
        return ""
    return f' data-profile="{escape(column["profile"] or "")}"'


def _column_head(role: str, index: int, column: dict[str, Any]) -> str:
    impl = column["implementation"]
    version = (
        f"<span class=meta>version {escape(impl['version'])}</span>" if impl["version"] else ""
    )
    profile = f"profile {column['profile']} · " if column["profile"] else ""
    enforcement = (
        f"<span class=meta>{ENFORCEMENT_TITLE} "
        f"{escape(enforcement_text(column['enforcement']))}</span>"
        if column.get("enforcement")
        else ""
    )
    stopped = (
        f'<span class="meta configuration-error">{escape(column["configuration_error"])}</span>'
        if column.get("configuration_error")
        else ""
    )
    contradicted = column.get("contradictions") or []
    classes = _verdict_class("rv", column["verdict"], ROLE_VERDICT)
    if contradicted:
        classes += " contradicted"
    return (
        f'<th scope="col" data-column="{index}"{_profile_attr(role, column)} '
        f'class="{classes}" title="{escape(impl["spec"])}">'
        f"{escape(impl['name'])}{version}"
        f"<span class=meta>{escape(profile)}kit {escape(column['kit_version'])} · "
        f"contract {escape(column['contract_version'])}</span>"
        f"<span class=meta><time>{escape(column['date'])}</time></span>{enforcement}"
        f'<span class="verdict">{escape(verdict_label(column["verdict"]))} '
        f"{column['rules_passed']}/{column['rules_total']}</span>{stopped}"
        + _notes(
            "contradictions",
            "The verdict contradicts the report's own rules",
            f"{CONTRADICTED} (shown as the report gives it):",
            contradicted,
        )
        + _notes(
            "differences",
            "Not comparable as equal",
            "⚠ not made like the newest:",
            column["differences"],
        )
        + "</th>"
    )


def _notes(css: str, label: str, title: str, notes: list[str]) -> str:
    """A column head's list of warnings under a bold title; nothing when there are none."""
    if not notes:
        return ""
    items = "".join(f"<li>{escape(note)}</li>" for note in notes)
    return (
        f'<ul class="{css}" aria-label="{escape(label)}">'
        f"<li><strong>{escape(title)}</strong></li>{items}</ul>"
    )


def _cell(role: str, index: int, column: dict[str, Any], cell: dict[str, Any]) -> str:
    verdict = cell["verdict"]
    label = escape(cell_label(verdict))
    cases = (
        f' <span class="cases">{cell["cases_passed"]}/{cell["cases_total"]} cases</span>'
        if "cases_total" in cell
        else ""
    )
    attrs = (
        f'data-column="{index}"{_profile_attr(role, column)} '
        f'class="{_verdict_class("v", verdict, CELL)}"'
    )
    failures = cell.get("failures") or []
    if not failures:
        return f"<td {attrs}>{label}{cases}</td>"
    title = escape("failed on: " + ", ".join(cell["failed_cases"]))
    items = "".join(
        f"<li><code>{escape(f['case'])}</code>"
        + (f" ({escape(f['kind'])})" if f["kind"] else "")
        + (f": {escape(f['message'])}" if f["message"] else "")
        + "</li>"
        for f in failures
    )
    return (
        f'<td {attrs} title="{title}"><details><summary>{label}{cases}</summary>'
        f"<ul>{items}</ul></details></td>"
    )


def _role_section(comparison: dict[str, Any], role: dict[str, Any]) -> str:
    name = escape(role["role"])
    columns = role["columns"]
    heads = "".join(_column_head(name, i, c) for i, c in enumerate(columns))
    rows = []
    for rule in role["rules"]:
        cells = "".join(
            _cell(name, i, c, cell)
            for i, (c, cell) in enumerate(zip(columns, rule["cells"], strict=True))
        )
        rows.append(
            f'<tr data-level="{escape(rule["level"])}"><th scope="row">'
            f'<a href="{escape(rule_link(comparison, rule))}">{escape(rule["id"])}</a>'
            f'<span class="rule-text">{escape(rule["text"])}</span></th>'
            f"<td>{escape(rule['level'])}</td>{cells}</tr>"
        )
    return (
        f'<section class="role" id="role-{name}" data-role="{name}" aria-labelledby="h-{name}">'
        f'<h2 id="h-{name}">{name}</h2>'
        f'<div class="scroll" tabindex="0" role="region" aria-labelledby="h-{name}">'
        f"<table><caption>{name}: each rule (row) in each implementation (column); "
        f"the role's verdict heads each column</caption>"
        f'<thead><tr><th scope="col">Rule</th><th scope="col">Level</th>{heads}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _history_section(index: int, history: dict[str, Any]) -> str:
    profile = f" {history['profile']}" if history["profile"] else ""
    heading = f"History: {history['implementation']} ({history['role']}{profile})"
    heads = "".join(
        f'<th scope="col"><time>{escape(r["date"])}</time>'
        + (f'<span class="meta">version {escape(r["version"])}</span>' if r["version"] else "")
        + f'<span class="meta">contract {escape(r["contract_version"])}</span>'
        f'<span class="verdict">{escape(verdict_label(r["verdict"]))}</span></th>'
        for r in history["runs"]
    )
    rows = "".join(
        f'<tr data-level="{escape(rule["level"])}"><th scope="row">{escape(rule["id"])}</th>'
        + "".join(
            f'<td class="{_verdict_class("v", v, CELL)}">{escape(cell_label(v))}</td>'
            for v in rule["verdicts"]
        )
        + "</tr>"
        for rule in history["rules"]
    )
    return (
        f'<section class="history" id="history-{index}" data-role="{escape(history["role"])}" '
        f'aria-labelledby="hh-{index}"><h2 id="hh-{index}">{escape(heading)}</h2>'
        f'<div class="scroll" tabindex="0" role="region" aria-labelledby="hh-{index}">'
        f"<table><caption>{escape(heading)}: verdict per rule over time, oldest first</caption>"
        f'<thead><tr><th scope="col">Rule</th>{heads}</tr></thead><tbody>{rows}</tbody></table>'
        f"</div></section>"
    )


def html(comparison: dict[str, Any]) -> str:
    """The whole page, every value escaped, the style and script inlined."""
    roles = [escape(r["role"]) for r in comparison["roles"]]
    mixed = ""
    if comparison["mixed"]:
        items = "".join(f"<li>{escape(note)}</li>" for note in comparison["mixed"])
        mixed = (
            '<div class="warning" role="note"><p><strong>⚠ Not all alike.</strong> '
            "These reports were not all made the same way; columns that differ from their role's "
            f"newest say how.</p><ul>{items}</ul></div>"
        )
    unread = ""
    if comparison.get("unread"):
        items = "".join(
            f"<li><code>{escape(u['source'])}</code>: {escape(u['problem'])}</li>"
            for u in comparison["unread"]
        )
        unread = (
            '<div class="warning unread" role="note"><p><strong>⚠ Not compared.</strong> '
            "These files could not be compared; the page is made from the others.</p>"
            f"<ul>{items}</ul></div>"
        )
    sources = "".join(
        f"<li><code>{escape(r['source'])}</code>: {escape(r['generated_at'])}, kit "
        f"{escape(r['kit_version'])}, contract {escape(r['contract_version'])}"
        f"{', strict' if r['strict'] else ''}</li>"
        for r in comparison["reports"]
    )
    style = _template("compare.css")
    script = _template("compare.js")
    page = Template(_template("compare.html")).substitute(
        csp=escape(content_security_policy(style, script)),
        title="kaizen conformance across the fleet",
        kit_version=escape(comparison["kit"]["version"]),
        generated_at=escape(comparison["generated_at"]),
        report_count=len(comparison["reports"]),
        contract_url=escape(comparison["contract_url"]),
        mixed=unread + mixed,
        nav="".join(f'<li><a href="#role-{r}">{r}</a></li>' for r in roles)
        + ('<li><a href="#history-0">history</a></li>' if comparison["history"] else ""),
        role_filter=_radios("role", [("", "all"), *((r, r) for r in ROLES if r in roles)]),
        profile_filter=_radios("profile", [("", "any"), ("v1", "v1"), ("v2", "v2")]),
        level_filter=_radios("level", [("", "all"), ("MUST", "MUST"), ("SHOULD", "SHOULD")]),
        legend="".join(f"<li>{escape(text)}</li>" for text in CELL.values()),
        roles="".join(_role_section(comparison, role) for role in comparison["roles"]),
        history="".join(_history_section(i, h) for i, h in enumerate(comparison["history"])),
        sources=f"<ul>{sources}</ul>",
        style=style,
        script=script,
    )
    return page
