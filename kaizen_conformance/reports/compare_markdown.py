"""The comparison as Markdown, for a pull-request comment or a CI step summary.

Every verdict is a symbol *and* a word, so the table reads the same without colour; both the
page and this summary take their words from ``CELL`` and ``ROLE_VERDICT`` here (``cell_label``
and ``verdict_label`` for a word the kit does not know).

Everything that comes from a report (names, versions, dates, case ids, messages, notes) is
untrusted text and passes through ``escape_markdown`` on its way in: no report can add a line,
a heading, a table cell, a link, an image or HTML to the summary a CI posts under its own name.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

CELL: dict[str, str] = {
    "passed": "✓ passed",
    "failed": "✗ FAILED",
    "error": "✗ ERROR",
    "expected-failure": "✗ known failure",
    "not-met": "! not met",
    "skipped": "○ skipped",
    "incomplete": "◐ partial",
    "not-run": "○ not run",
    "not-in-contract": "∅ not in this contract version",
    "not-in-profile": "○ not in this profile",
}

ROLE_VERDICT: dict[str, str] = {
    "conforms": "✓ CONFORMS",
    "does-not-conform": "✗ DOES NOT CONFORM",
    "incomplete": "◐ INCOMPLETE",
    "not-configured": "○ NOT CONFIGURED",
    "configuration-error": "⚠ CONFIGURATION ERROR",
}

ENFORCEMENT_TITLE = "offline rules enforced by"
CONTRADICTED = "⚠ contradicts its own rules"
CASES_SHOWN = 3

# Characters with a meaning in CommonMark/GFM inline text: backslash-escaped, they are text.
# ("!" and "(" only mean something after "[" or "]", which are escaped; "-", "+", "=", "#" and
# digits only at the start of a line, and nothing from a report starts one.)
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&~$@])")
# GFM turns bare "www." and "scheme://" into links: escaping the dot or the colon stops it.
AUTOLINK = re.compile(r"(?i)(www)\.|:(?=//)")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _one_line(text: str) -> str:
    """Line breaks of every kind, control characters and direction overrides as spaces."""
    return "".join(
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in BIDI_CONTROLS else char
        for char in text
    )


def escape_markdown(text: str, *, code: bool = False) -> str:
    """``text`` from a report as inert Markdown on one line, safe inside a table cell.

    As prose (the default) every character with a meaning is backslash-escaped. As ``code`` it
    is a code span whose backtick fence is longer than any run of backticks inside, so a
    backtick in a case id cannot end it; ``|`` is escaped there too, which GFM tables honour.
    """
    flat = _one_line(text)
    if not code:
        return AUTOLINK.sub(
            lambda m: f"{m.group(1)}\\." if m.group(1) else "\\:",
            MARKDOWN_SPECIAL.sub(r"\\\1", flat),
        )
    if not flat.strip():
        return escape_markdown(flat)
    flat = flat.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", flat)), default=0) + 1)
    pad = " " if flat[0] in "` " or flat[-1] in "` " else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def cell_label(verdict: str) -> str:
    """A rule verdict in words; a word this kit does not know reads as such, never a crash."""
    return CELL.get(verdict, f"? unknown verdict ({verdict})")


def verdict_label(verdict: str) -> str:
    """A role verdict in words; a word this kit does not know reads as such, never a crash."""
    return ROLE_VERDICT.get(verdict, f"? unknown verdict ({verdict})")


def enforcement_text(enforcement: dict[str, Any]) -> str:
    """``namespace: note``: how the offline rules were enforced, as the report says."""
    note = enforcement.get("note")
    return f"{enforcement.get('network', '?')}" + (f": {note}" if note else "")


def column_title(column: dict[str, Any]) -> str:
    """``activity-core 1.6.0 (v2)``: the implementation, its version and the profile it claims."""
    impl = column["implementation"]
    version = f" {impl['version']}" if impl["version"] else ""
    profile = f" ({column['profile']})" if column["profile"] else ""
    return f"{impl['name']}{version}{profile}"


def rule_link(comparison: dict[str, Any], rule: dict[str, Any]) -> str:
    """The rule's section of the contract; characters that could end a Markdown link or an
    attribute (spaces, parentheses, quotes, angle brackets) are percent-encoded."""
    target = f"{comparison['contract_url']}#{rule['anchor']}"
    return quote(_one_line(target), safe=";/?:@&=+$,#[]!*~-._%")


def cell_text(cell: dict[str, Any]) -> str:
    """The verdict, and for a failure how many cases failed and the first few of them."""
    text = escape_markdown(cell_label(cell["verdict"]))
    failed = cell.get("failed_cases") or []
    if failed:
        shown = ", ".join(escape_markdown(case, code=True) for case in failed[:CASES_SHOWN])
        more = f" and {len(failed) - CASES_SHOWN} more" if len(failed) > CASES_SHOWN else ""
        text += f" ({len(failed)}): {shown}{more}"
    return text


def _verdict_cell(column: dict[str, Any]) -> str:
    flag = f" {CONTRADICTED}" if column.get("contradictions") else ""
    return (
        f"**{escape_markdown(verdict_label(column['verdict']))}** "
        f"{column['rules_passed']}/{column['rules_total']}{flag}"
    )


def _column_notes(column: dict[str, Any]) -> list[str]:
    """The bullets under a role's table for one column: what makes it not comparable, what its
    verdict contradicts, what stopped it, and how it was made."""
    title = escape_markdown(column_title(column))
    lines = []
    if column["differences"]:
        lines.append(
            f"- ⚠ {title}: "
            + "; ".join(escape_markdown(d) for d in column["differences"])
            + " (not comparable as equal)."
        )
    if column.get("contradictions"):
        lines.append(
            f"- ⚠ {title}: the verdict {CONTRADICTED.removeprefix('⚠ ')}: "
            + "; ".join(escape_markdown(c) for c in column["contradictions"])
            + " (shown as the report gives it)."
        )
    if column.get("configuration_error"):
        lines.append(
            f"- {title}: configuration error: {escape_markdown(column['configuration_error'])}"
        )
    made = (
        f"- {title}: kit {escape_markdown(column['kit_version'])}, "
        f"contract {escape_markdown(column['contract_version'])}, "
        f"{escape_markdown(column['date'])}"
    )
    if column.get("enforcement"):
        made += f"; {ENFORCEMENT_TITLE} {escape_markdown(enforcement_text(column['enforcement']))}"
    return [*lines, made]


def markdown(comparison: dict[str, Any]) -> str:
    """Per role, a table of rules x implementations with the role's verdict on top; then what
    makes columns not comparable, and the history of each implementation given more than once."""
    count = len(comparison["reports"])
    lines = [f"## kaizen conformance across the fleet ({count} report(s))", ""]
    for problem in comparison.get("unread", []):
        lines += [
            f"> ⚠ Not compared: {escape_markdown(problem['source'])}: "
            f"{escape_markdown(problem['problem'])}",
            "",
        ]
    for note in comparison["mixed"]:
        lines += [f"> ⚠ Not all alike: {escape_markdown(note)}.", ""]
    for role in comparison["roles"]:
        columns = role["columns"]
        lines += [f"### {escape_markdown(role['role'])}", ""]
        lines.append(
            "| rule | level | "
            + " | ".join(escape_markdown(column_title(c)) for c in columns)
            + " |"
        )
        lines.append("|---|---|" + "---|" * len(columns))
        lines.append("| **verdict** | | " + " | ".join(_verdict_cell(c) for c in columns) + " |")
        for rule in role["rules"]:
            cells = " | ".join(cell_text(cell) for cell in rule["cells"])
            lines.append(
                f"| [{escape_markdown(rule['id'])}]({rule_link(comparison, rule)}) | "
                f"{escape_markdown(rule['level'])} | {cells} |"
            )
        lines.append("")
        for column in columns:
            lines += _column_notes(column)
        lines.append("")
    for history in comparison["history"]:
        lines += _history(history)
    return "\n".join(lines)


def run_moment(date: str) -> str:
    """``2026-11-15 08:00 UTC``: when a run was made, to the minute (seconds where they are not
    zero), so two runs of one day head two distinguishable columns; a date that is not RFC 3339
    is shown as the report gives it."""
    try:
        moment = datetime.fromisoformat(date)
    except ValueError:
        return date
    if moment.tzinfo is None:
        return moment.isoformat(sep=" ")
    moment = moment.astimezone(timezone.utc)
    shown = moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M")
    return f"{shown} UTC"


def _history(history: dict[str, Any]) -> list[str]:
    profile = f" {history['profile']}" if history["profile"] else ""
    runs = history["runs"]
    heading = f"History: {history['implementation']} ({history['role']}{profile})"
    lines = [f"### {escape_markdown(heading)}", ""]
    heads = [f"{run_moment(r['date'])} {r['version'] or ''}".strip() for r in runs]
    lines.append("| rule | " + " | ".join(escape_markdown(h) for h in heads) + " |")
    lines.append("|---|" + "---|" * len(runs))
    lines.append(
        "| **verdict** | "
        + " | ".join(f"**{escape_markdown(verdict_label(r['verdict']))}**" for r in runs)
        + " |"
    )
    steady = 0
    for rule in history["rules"]:
        if all(v == "passed" for v in rule["verdicts"]):
            steady += 1
            continue
        lines.append(
            f"| {escape_markdown(rule['id'])} | "
            + " | ".join(escape_markdown(cell_label(v)) for v in rule["verdicts"])
            + " |"
        )
    lines += ["", f"{steady} rule(s) passed in every run.", ""]
    return lines
