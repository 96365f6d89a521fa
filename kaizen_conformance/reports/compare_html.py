"""The comparison as one self-contained HTML page (``index.html``): no CDN, no network.

The page's frame, style and script are data files in ``reports/templates/``, inlined at render
time, so the page works from ``file://`` and any static host. It is readable without its script
(the filters only hide) and without colour (every verdict is a symbol and a word); its tables
are real tables with ``<th scope>``, and failing cases open in ``<details>``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from string import Template
from typing import Any

from kaizen_conformance.core.options import ROLES
from kaizen_conformance.reports.compare_markdown import CELL, ROLE_VERDICT, rule_link

TEMPLATES = Path(__file__).resolve().parent / "templates"
PROFILED = ("hub", "resolver")


def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


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
    differences = ""
    if column["differences"]:
        items = "".join(f"<li>{escape(d)}</li>" for d in column["differences"])
        differences = (
            f'<ul class="differences" aria-label="Not comparable as equal">'
            f"<li><strong>⚠ not made like the newest:</strong></li>{items}</ul>"
        )
    return (
        f'<th scope="col" data-column="{index}"{_profile_attr(role, column)} '
        f'class="rv-{column["verdict"]}" title="{escape(impl["spec"])}">'
        f"{escape(impl['name'])}{version}"
        f"<span class=meta>{escape(profile)}kit {escape(column['kit_version'])} · "
        f"contract {escape(column['contract_version'])}</span>"
        f"<span class=meta><time>{escape(column['date'])}</time></span>"
        f'<span class="verdict">{ROLE_VERDICT[column["verdict"]]} '
        f"{column['rules_passed']}/{column['rules_total']}</span>{differences}</th>"
    )


def _cell(role: str, index: int, column: dict[str, Any], cell: dict[str, Any]) -> str:
    verdict = cell["verdict"]
    label = escape(CELL[verdict])
    cases = (
        f' <span class="cases">{cell["cases_passed"]}/{cell["cases_total"]} cases</span>'
        if "cases_total" in cell
        else ""
    )
    attrs = f'data-column="{index}"{_profile_attr(role, column)} class="v-{verdict}"'
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
    name = role["role"]
    columns = role["columns"]
    heads = "".join(_column_head(name, i, c) for i, c in enumerate(columns))
    rows = []
    for rule in role["rules"]:
        cells = "".join(
            _cell(name, i, c, cell)
            for i, (c, cell) in enumerate(zip(columns, rule["cells"], strict=True))
        )
        rows.append(
            f'<tr data-level="{rule["level"]}"><th scope="row">'
            f'<a href="{escape(rule_link(comparison, rule))}">{rule["id"]}</a>'
            f'<span class="rule-text">{escape(rule["text"])}</span></th>'
            f"<td>{rule['level']}</td>{cells}</tr>"
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
        f'<span class="verdict">{ROLE_VERDICT[r["verdict"]]}</span></th>'
        for r in history["runs"]
    )
    rows = "".join(
        f'<tr data-level="{rule["level"]}"><th scope="row">{rule["id"]}</th>'
        + "".join(f'<td class="v-{v}">{escape(CELL[v])}</td>' for v in rule["verdicts"])
        + "</tr>"
        for rule in history["rules"]
    )
    return (
        f'<section class="history" id="history-{index}" data-role="{history["role"]}" '
        f'aria-labelledby="hh-{index}"><h2 id="hh-{index}">{escape(heading)}</h2>'
        f'<div class="scroll" tabindex="0" role="region" aria-labelledby="hh-{index}">'
        f"<table><caption>{escape(heading)}: verdict per rule over time, oldest first</caption>"
        f'<thead><tr><th scope="col">Rule</th>{heads}</tr></thead><tbody>{rows}</tbody></table>'
        f"</div></section>"
    )


def html(comparison: dict[str, Any]) -> str:
    """The whole page, every value escaped, the style and script inlined."""
    roles = [r["role"] for r in comparison["roles"]]
    mixed = ""
    if comparison["mixed"]:
        items = "".join(f"<li>{escape(note)}</li>" for note in comparison["mixed"])
        mixed = (
            '<div class="warning" role="note"><p><strong>⚠ Not all alike.</strong> '
            "These reports were not all made the same way; columns that differ from their role's "
            f"newest say how.</p><ul>{items}</ul></div>"
        )
    sources = "".join(
        f"<li><code>{escape(r['source'])}</code>: {escape(r['generated_at'])}, kit "
        f"{escape(r['kit_version'])}, contract {escape(r['contract_version'])}"
        f"{', strict' if r['strict'] else ''}</li>"
        for r in comparison["reports"]
    )
    page = Template(_template("compare.html")).substitute(
        title="kaizen conformance across the fleet",
        kit_version=escape(comparison["kit"]["version"]),
        generated_at=escape(comparison["generated_at"]),
        report_count=len(comparison["reports"]),
        contract_url=escape(comparison["contract_url"]),
        mixed=mixed,
        nav="".join(f'<li><a href="#role-{r}">{r}</a></li>' for r in roles)
        + ('<li><a href="#history-0">history</a></li>' if comparison["history"] else ""),
        role_filter=_radios("role", [("", "all"), *((r, r) for r in ROLES if r in roles)]),
        profile_filter=_radios("profile", [("", "any"), ("v1", "v1"), ("v2", "v2")]),
        level_filter=_radios("level", [("", "all"), ("MUST", "MUST"), ("SHOULD", "SHOULD")]),
        legend="".join(f"<li>{escape(text)}</li>" for text in CELL.values()),
        roles="".join(_role_section(comparison, role) for role in comparison["roles"]),
        history="".join(_history_section(i, h) for i, h in enumerate(comparison["history"])),
        sources=f"<ul>{sources}</ul>",
        style=_template("compare.css"),
        script=_template("compare.js"),
    )
    return page
