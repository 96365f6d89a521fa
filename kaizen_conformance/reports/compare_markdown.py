"""The comparison as Markdown, for a pull-request comment or a CI step summary.

Every verdict is a symbol *and* a word, so the table reads the same without colour; both the
page and this summary take their words from ``CELL`` and ``ROLE_VERDICT`` here.
"""

from __future__ import annotations

from typing import Any

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
}

CASES_SHOWN = 3


def column_title(column: dict[str, Any]) -> str:
    """``activity-core 1.6.0 (v2)``: the implementation, its version and the profile it claims."""
    impl = column["implementation"]
    version = f" {impl['version']}" if impl["version"] else ""
    profile = f" ({column['profile']})" if column["profile"] else ""
    return f"{impl['name']}{version}{profile}"


def rule_link(comparison: dict[str, Any], rule: dict[str, Any]) -> str:
    return f"{comparison['contract_url']}#{rule['anchor']}"


def cell_text(cell: dict[str, Any]) -> str:
    """The verdict, and for a failure how many cases failed and the first few of them."""
    text = CELL[cell["verdict"]]
    failed = cell.get("failed_cases") or []
    if failed:
        shown = ", ".join(f"`{case}`" for case in failed[:CASES_SHOWN])
        more = f" and {len(failed) - CASES_SHOWN} more" if len(failed) > CASES_SHOWN else ""
        text += f" ({len(failed)}): {shown}{more}"
    return text


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(comparison: dict[str, Any]) -> str:
    """Per role, a table of rules x implementations with the role's verdict on top; then what
    makes columns not comparable, and the history of each implementation given more than once."""
    count = len(comparison["reports"])
    lines = [f"## kaizen conformance across the fleet ({count} report(s))", ""]
    for note in comparison["mixed"]:
        lines += [f"> ⚠ Not all alike: {note}.", ""]
    for role in comparison["roles"]:
        columns = role["columns"]
        lines += [f"### {role['role']}", ""]
        lines.append(
            "| rule | level | " + " | ".join(_escape(column_title(c)) for c in columns) + " |"
        )
        lines.append("|---|---|" + "---|" * len(columns))
        lines.append(
            "| **verdict** | | "
            + " | ".join(
                f"**{ROLE_VERDICT[c['verdict']]}** {c['rules_passed']}/{c['rules_total']}"
                for c in columns
            )
            + " |"
        )
        for rule in role["rules"]:
            cells = " | ".join(_escape(cell_text(cell)) for cell in rule["cells"])
            lines.append(
                f"| [{rule['id']}]({rule_link(comparison, rule)}) | {rule['level']} | {cells} |"
            )
        lines.append("")
        for column in columns:
            if column["differences"]:
                lines.append(
                    f"- ⚠ {_escape(column_title(column))}: "
                    + "; ".join(column["differences"])
                    + " (not comparable as equal)."
                )
        lines += [
            f"- {_escape(column_title(c))}: kit {c['kit_version']}, contract {c['contract_version']}, {c['date']}"
            for c in columns
        ]
        lines.append("")
    for history in comparison["history"]:
        lines += _history(history)
    return "\n".join(lines)


def _history(history: dict[str, Any]) -> list[str]:
    profile = f" {history['profile']}" if history["profile"] else ""
    runs = history["runs"]
    lines = [f"### History: {history['implementation']} ({history['role']}{profile})", ""]
    heads = [f"{r['date'][:10]} {r['version'] or ''}".strip() for r in runs]
    lines.append("| rule | " + " | ".join(_escape(h) for h in heads) + " |")
    lines.append("|---|" + "---|" * len(runs))
    lines.append(
        "| **verdict** | " + " | ".join(f"**{ROLE_VERDICT[r['verdict']]}**" for r in runs) + " |"
    )
    steady = 0
    for rule in history["rules"]:
        if all(v == "passed" for v in rule["verdicts"]):
            steady += 1
            continue
        lines.append(f"| {rule['id']} | " + " | ".join(CELL[v] for v in rule["verdicts"]) + " |")
    lines += ["", f"{steady} rule(s) passed in every run.", ""]
    return lines
