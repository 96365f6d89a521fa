"""Does a report's role verdict follow from its own rule rows? For ``kaizen-conformance compare``.

A column's verdict heads the fleet page, and a reader believes it. The kit reaches a role's
verdict from its MUST rules (``RoleSummary.verdict``); a report whose verdict its own rows
contradict (hand-edited, or written by a broken tool) must not read as green, nor as red, without
saying so. Only plain contradictions are named, never a difference of judgement that an older kit
could have made: a MUST rule that errored may justify DOES NOT CONFORM as well as INCOMPLETE.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from typing import Any

# MUST rule verdicts that make a role not conform (an error counts, as older kits counted it).
MUST_FAILURES = frozenset({"failed", "error", "expected-failure"})
# What hides a failure when the verdict says INCOMPLETE: the kit says DOES NOT CONFORM for these.
MUST_NOT_CONFORMING = frozenset({"failed", "expected-failure"})
IDS_SHOWN = 5


def _ids(rules: list[dict[str, Any]]) -> str:
    ids = [rule["id"] for rule in rules]
    more = f" and {len(ids) - IDS_SHOWN} more" if len(ids) > IDS_SHOWN else ""
    return ", ".join(ids[:IDS_SHOWN]) + more


def _explored_failure(data: dict[str, Any], role: str) -> bool:
    """A failure found by ``--kaizen-explore-strict``: it turns the verdict without a rule row."""
    explored = (data.get("explored") or {}).get(role) or {}
    return bool(explored.get("outcome") == "found" and explored.get("strict"))


def contradictions(data: dict[str, Any], role: str) -> list[str]:
    """Sentences naming each way the role's verdict or counts contradict its rule rows; empty
    when they agree."""
    role_data = data["roles"][role]
    verdict = role_data["verdict"]
    rules = role_data["rules"]
    must = [r for r in rules if r["level"] == "MUST"]
    not_passed = [r for r in must if r["verdict"] != "passed"]
    failing = [r for r in must if r["verdict"] in MUST_FAILURES]
    strict_should = [
        r
        for r in rules
        if data["strict"] and r["level"] == "SHOULD" and r["verdict"] in ("failed", "error")
    ]
    explored = _explored_failure(data, role)
    found: list[str] = []
    if verdict == "conforms":
        if not_passed:
            found.append(f"says CONFORMS, but MUST rule(s) did not pass: {_ids(not_passed)}")
        elif not must:
            found.append("says CONFORMS, but no MUST rule was judged")
        if explored:
            found.append("says CONFORMS, but strict exploration found a failure")
    elif verdict == "does-not-conform":
        if not failing and not strict_should and not explored:
            what = "every MUST rule passed" if must and not not_passed else "no MUST rule failed"
            found.append(f"says DOES NOT CONFORM, but {what}")
    elif verdict == "incomplete":
        hidden = [r for r in must if r["verdict"] in MUST_NOT_CONFORMING]
        if hidden:
            found.append(f"says INCOMPLETE, but MUST rule(s) failed: {_ids(hidden)}")
    elif verdict == "configuration-error":
        passed = [r for r in rules if r["verdict"] == "passed"]
        if passed:
            found.append(
                f"says CONFIGURATION ERROR (no rule judged), but rule(s) passed: {_ids(passed)}"
            )
    passed_count = sum(r["verdict"] == "passed" for r in rules)
    if (role_data["rules_passed"], role_data["rules_total"]) != (passed_count, len(rules)):
        found.append(
            f"says {role_data['rules_passed']}/{role_data['rules_total']} rules passed, "
            f"but its rule rows show {passed_count}/{len(rules)}"
        )
    return found
