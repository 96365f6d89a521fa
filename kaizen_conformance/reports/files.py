"""Reports that CI and people read: JSON (with its schema), Markdown, and a shields.io badge.

Everything is derived from the same per-item results as the terminal summary, sorted, with
temporary paths normalised: two runs of the same kit on the same implementation give the
same report apart from ``generated_at`` and the durations.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from kaizen_conformance import CONTRACT_VERSION, __version__
from kaizen_conformance.cases.loading import fixtures_root
from kaizen_conformance.contract.catalogue import CONTRACT_DIR
from kaizen_conformance.core.options import ROLES
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.core.vocabulary import FAILING, RoleVerdict
from kaizen_conformance.reports.compare_markdown import escape_markdown
from kaizen_conformance.reports.identity import default_name
from kaizen_conformance.reports.summary import HEADLINE, LABEL, ItemResult, RoleSummary, fix_lines
from kaizen_conformance.reports.writing import (
    append_file,
    fix_for,
    reason_of,
    remove_stale,
    replace_file,
)
from kaizen_conformance.runtime.sandbox import AUDIT_HOOK_ONLY

REPORT_FORMAT = 1


@cache
def tree_digest(root: Path, *, skip_code: bool = False) -> str:
    """sha256 over every data file's relative path and bytes: which fixtures (or rules) judged the run.

    With ``skip_code``, Python modules are left out: ``contract/`` holds the catalogue's reader beside its data, and
    a change of code is not a change of contract.
    """
    digest = hashlib.sha256()
    for path in sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not (skip_code and p.suffix == ".py")
    ):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


def fixtures_field(settings: Settings) -> dict[str, Any]:
    """Which fixtures judged the run; with --kaizen-extra-cases, which of its cases were the user's
    (their ids are the directory names, as a shipped case's are: this is where they are told apart).
    """
    field: dict[str, Any] = {"digest": tree_digest(fixtures_root())}
    if settings.extra_cases is not None:
        field["extra"] = {
            "digest": tree_digest(settings.extra_cases),
            "cases": settings.extra_case_ids,
        }
    return field


def start_digests(settings: Settings) -> dict[str, Any]:
    """The report's digests of the catalogue and fixtures, taken at configure (before any
    implementation ran): the report names the data that judged the run, not what is on disk after."""
    return {
        "catalogue_digest": tree_digest(CONTRACT_DIR, skip_code=True),
        "fixtures": fixtures_field(settings),
    }


def reports_wanted(options: Any) -> bool:
    """Whether this run writes any report (JSON, Markdown, badge, or GitHub's step summary)."""
    return bool(
        options.report
        or options.report_md
        or options.badge
        or os.environ.get("GITHUB_STEP_SUMMARY")
    )


def integrity_field(changed: list[str] | None) -> dict[str, Any]:
    """``integrity``: whether the kit's own files were checked from start to end, and which changed."""
    return {"checked": changed is not None, "changed": changed or []}


def normaliser(config: pytest.Config) -> Any:
    """Replace this run's temporary directories in messages, so reports compare across runs."""
    try:
        base = str(config._tmp_path_factory.getbasetemp())  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - no temp dir was made
        base = None
    worker = re.compile(r"<tmp>/popen-gw\d+")

    def normalise(text: str) -> str:
        if base:
            text = text.replace(base, "<tmp>")
        return worker.sub("<tmp>", text)

    return normalise


def build_report(
    config: pytest.Config,
    items: list[ItemResult],
    summaries: list[RoleSummary],
    kit_changed: list[str] | None = None,
) -> dict[str, Any]:
    from kaizen_conformance.core.stash import START_DIGESTS, settings_of

    settings = settings_of(config)
    normalise = normaliser(config)
    digests = config.stash.get(START_DIGESTS, None) or start_digests(settings)
    return {
        "format": REPORT_FORMAT,
        "kit": {"name": "kaizen-conformance", "version": __version__},
        "contract": {"version": CONTRACT_VERSION, "catalogue_digest": digests["catalogue_digest"]},
        "fixtures": digests["fixtures"],
        "integrity": integrity_field(kit_changed),
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "strict": settings.strict,
        "claim": {
            s.role: {
                "configured": s.configured,
                "profile": s.profile,
                "implementation": s.implementation,
            }
            for s in summaries
        },
        "roles": {
            s.role: {
                "verdict": s.verdict,
                **({"configuration_error": s.configuration_error} if s.configuration_error else {}),
                **({"enforcement": s.enforcement} if s.enforcement else {}),
                "rules_passed": s.passed,
                "rules_total": len(s.rules),
                "rules": [
                    {
                        "id": v.rule.id,
                        "level": v.rule.level,
                        "verdict": v.verdict,
                        "cases_passed": v.cases_passed,
                        "cases_total": v.cases_total,
                        "failed_cases": v.failed_cases,
                        "text": v.rule.text,
                    }
                    for v in sorted(s.rules, key=lambda v: v.rule.id)
                ],
            }
            for s in summaries
        },
        **explored_report(summaries, settings.options.explore_strict, normalise),
        "checks": [
            {
                "name": item.name,
                "role": item.role,
                "case": item.case,
                "rules": list(item.rules),
                "level": item.level,
                "outcome": item.outcome or "not-run",
                "duration_s": round(item.duration, 4),
                **({"message": normalise(item.message)} if item.message else {}),
                **({"failure_kind": item.failure_kind} if item.failure_kind else {}),
                **(
                    {"charged_rules": list(item.charged)}
                    if item.charged and item.outcome in FAILING
                    else {}
                ),
            }
            for item in items
        ],
    }


def explored_report(summaries: list[RoleSummary], strict: bool, normalise: Any) -> dict[str, Any]:
    """``explored``: per explored role, what exploration found (absent when nothing was explored)."""
    explored = {}
    for s in summaries:
        if s.explored is None:
            continue
        entry: dict[str, Any] = {
            "outcome": s.explored.outcome,
            "examples": s.explored.examples,
            "strict": strict,
        }
        if s.explored.message:
            entry["message"] = normalise(s.explored.message)
        if s.explored.finding:
            found = dict(s.explored.finding)
            found["message"] = normalise(found["message"])
            entry["finding"] = found
        explored[s.role] = entry
    return {"explored": explored} if explored else {}


def explored_markdown(report: dict[str, Any]) -> list[str]:
    """The Markdown section on exploration: after the golden verdicts, and said to be apart."""
    explored = report.get("explored") or {}
    if not explored:
        return []
    lines = [
        "### explored beyond the golden cases",
        "",
        "| role | outcome | examples | rule | shrunk case |",
        "|---|---|---|---|---|",
    ]
    for role, entry in sorted(explored.items()):
        found = entry.get("finding") or {}
        lines.append(
            f"| {role} | {entry['outcome']} | {entry['examples']} | {found.get('rule', '')} | "
            f"{found.get('case', '')} |"
        )
    strict = any(entry["strict"] for entry in explored.values())
    lines += [
        "",
        "Counted in the verdicts above (--kaizen-explore-strict)."
        if strict
        else "Apart from the verdicts above: --kaizen-explore-strict makes a failure found count.",
        "",
    ]
    return lines


def failure_kinds_by_rule(report: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Rule id -> failure kind -> how many of its checks failed so (from the report's checks)."""
    kinds: dict[str, dict[str, int]] = {}
    for check in report["checks"]:
        kind = check.get("failure_kind")
        if kind:
            for rule in check.get("charged_rules") or check["rules"]:
                counts = kinds.setdefault(rule, {})
                counts[kind] = counts.get(kind, 0) + 1
    return kinds


def hook_only(role_data: dict[str, Any]) -> str:
    """Beside a role's verdict: that no sandbox held its command offline, only the audit hook."""
    enforcement = role_data.get("enforcement") or {}
    return f" ({AUDIT_HOOK_ONLY})" if enforcement.get("network") == "audit-hook-only" else ""


def implementation_cell(implementation: dict[str, Any]) -> str:
    """Who was checked, as ``--kaizen-implementation-name``/``-version`` name it (the terminal
    and ``compare`` do too), with the target it ran as; the target alone when the name is only the
    one the target gives itself (its module or program)."""
    spec = escape_markdown(str(implementation["spec"]), code=True)
    name = implementation.get("name")
    version = implementation.get("version")
    derived = default_name(
        str(implementation.get("kind", "")), str(implementation["spec"]), reference=False
    )
    if not name or name in (implementation["spec"], derived):
        return spec + (f" {escape_markdown(str(version))}" if version else "")
    label = escape_markdown(str(name)) + (f" {escape_markdown(str(version))}" if version else "")
    return f"{label} ({spec})"


def markdown(report: dict[str, Any]) -> str:
    """A summary people read: the configured roles' verdicts first, each role's rules that did
    not pass before the ones that did, and the roles nobody configured in one line."""
    version = f"contract v{report['contract']['version']}, kit {report['kit']['version']}"
    lines = [f"## kaizen conformance ({version})", ""]
    changed = report.get("integrity", {}).get("changed") or []
    if changed:
        lines += [
            f"**No verdict of this run stands: the kit's own files changed during it** ({len(changed)} "
            "changed; a kit error, not a verdict on the implementation):",
            "",
            *[f"- `{path}`" for path in changed[:20]],
            "",
        ]
    configured = [r for r in report["roles"] if report["claim"][r]["implementation"]]
    unconfigured = [r for r in report["roles"] if r not in configured]
    if configured:
        lines += ["| role | implementation | verdict | rules passed |", "|---|---|---|---|"]
        for role in configured:
            data, claim = report["roles"][role], report["claim"][role]
            profile = f" {claim['profile']}" if claim["profile"] else ""
            lines.append(
                f"| {role}{profile} | {implementation_cell(claim['implementation'])} | "
                f"{HEADLINE[data['verdict']].split(':')[0]}{hook_only(data)} | "
                f"{data['rules_passed']}/{data['rules_total']} |"
            )
        lines.append("")
    kinds = failure_kinds_by_rule(report)
    for role in configured:
        data, claim = report["roles"][role], report["claim"][role]
        profile = f" {claim['profile']}" if claim["profile"] else ""
        lines += [
            f"### {role}{profile}: {HEADLINE[data['verdict']].split(':')[0]}{hook_only(data)}",
            "",
        ]
        if data.get("enforcement"):
            lines += [
                f"Offline enforcement: {data['enforcement']['network']}: {data['enforcement']['note']}.",
                "",
            ]
        if data.get("configuration_error"):
            # the fix, as the terminal gives it; no rule was judged, so no table of them
            lines += [
                "Configuration error (no rule was judged, none passed):",
                "",
                "```",
                *fix_lines(data["configuration_error"]),
                "```",
                "",
            ]
            continue
        not_passed = [r for r in data["rules"] if r["verdict"] != "passed"]
        passed = [r["id"] for r in data["rules"] if r["verdict"] == "passed"]
        if not_passed:
            lines += [
                "| rule | level | verdict | cases | failed on | how |",
                "|---|---|---|---|---|---|",
            ]
            for rule in not_passed:
                failed = ", ".join(rule["failed_cases"][:5]) + (
                    " …" if len(rule["failed_cases"]) > 5 else ""
                )
                how = ", ".join(
                    f"{kind} in {count}"
                    for kind, count in sorted(kinds.get(rule["id"], {}).items())
                )
                lines.append(
                    f"| {rule['id']} | {rule['level']} | {LABEL[rule['verdict']]} | "
                    f"{rule['cases_passed']}/{rule['cases_total']} | {failed} | {how} |"
                )
            lines.append("")
        if passed:
            lines += [f"Passed: {', '.join(passed)}.", ""]
    lines += explored_markdown(report)
    if unconfigured:
        lines += [f"Not configured (not a pass): {', '.join(unconfigured)}.", ""]
    return "\n".join(lines)


BADGE_COLOUR: dict[RoleVerdict, str] = {
    "conforms": "brightgreen",
    "does-not-conform": "red",
    "incomplete": "yellow",
    "not-configured": "lightgrey",
    "configuration-error": "orange",
}


def badge(
    role: str, data: dict[str, Any], claim: dict[str, Any], kit_changed: bool = False
) -> dict[str, Any]:
    """A shields.io endpoint badge: label 'kaizen resolver v2', message '23/23'."""
    label = f"kaizen {role}" + (f" {claim['profile']}" if claim["profile"] else "")
    if kit_changed:  # no verdict of the run stands: never a green badge
        return {"schemaVersion": 1, "label": label, "message": "kit changed", "color": "red"}
    message = (
        "configuration error"
        if data["verdict"] == "configuration-error"
        else f"{data['rules_passed']}/{data['rules_total']}"
        if claim["configured"]
        else "not configured"
    )
    return {
        "schemaVersion": 1,
        "label": label,
        "message": message,
        "color": BADGE_COLOUR[data["verdict"]],
    }


@dataclass(frozen=True)
class UnwrittenReport:
    """A requested report that could not be written: which, where, why, and the fix."""

    what: str  # "JSON report"
    named: str  # "--kaizen-report=out/report.json"
    reason: str  # the OS's words: "No space left on device"
    fix: str

    def line(self) -> str:
        return f"kaizen: {self.what} not written: {self.named}: {self.reason}; {self.fix}"


@dataclass
class WrittenReports:
    """What writing the reports did: lines saying where each went, and the reports that failed.

    Any failure makes the run exit non-zero (``summary.with_unwritten_reports``); the others are
    written all the same.
    """

    notes: list[str] = field(default_factory=list)
    failures: list[UnwrittenReport] = field(default_factory=list)

    def write(
        self, path_text: str, text: str, what: str, option: str, *, append: bool = False
    ) -> None:
        """Write one report; a path that cannot be written is a failure naming it, not a crash."""
        path = Path(path_text)
        try:
            (append_file if append else replace_file)(path, text.encode("utf-8"))
        except OSError as error:
            self.failures.append(
                UnwrittenReport(what, f"{option}={path_text}", reason_of(error), fix_for(error))
            )
            return
        if not append:
            self.notes.append(f"kaizen: {what} written to {path}")


def report_paths(settings: Settings) -> list[str]:
    """Every file the run's report options name (a ``{role}`` badge once per role)."""
    options = settings.options
    badges = (
        [options.badge.replace("{role}", role) for role in ROLES]
        if options.badge and "{role}" in options.badge
        else [options.badge]
    )
    return [path for path in (options.report, options.report_md, *badges) if path]


def clear_stale_reports(settings: Settings) -> None:
    """Remove the reports an earlier run left at this run's report paths.

    Called as the run starts: a run that dies before writing its own leaves no report, rather
    than an earlier run's verdict under this run's name.
    """
    for path in report_paths(settings):
        remove_stale(Path(path))


def write_reports(
    config: pytest.Config,
    items: list[ItemResult],
    summaries: list[RoleSummary],
    kit_changed: list[str] | None = None,
) -> WrittenReports:
    """Write whatever reports were asked for; say where, and which could not be written."""
    from kaizen_conformance.core.stash import settings_of

    settings = settings_of(config)
    options = settings.options
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    written = WrittenReports()
    if not reports_wanted(options):
        return written
    report = build_report(config, items, summaries, kit_changed)
    void = bool(kit_changed)
    if options.report:
        written.write(
            options.report,
            json.dumps(report, indent=2, ensure_ascii=False) + "\n",
            "JSON report",
            settings.origin("report"),
        )
    text = markdown(report)
    if options.report_md:
        written.write(options.report_md, text, "Markdown summary", settings.origin("report_md"))
    if step_summary:
        # appended to, as GitHub documents it; said only when it fails
        written.write(step_summary, text, "GitHub step summary", "GITHUB_STEP_SUMMARY", append=True)
    if options.badge:
        target = options.badge
        roles = list(report["roles"])
        if "{role}" in target:
            chosen = roles
        else:
            configured = [r for r in roles if report["claim"][r]["configured"]] or roles
            chosen = configured[:1]
            if len(configured) > 1:
                written.notes.append(
                    f"kaizen: several roles ran; the badge shows {chosen[0]} (use '{{role}}' in {settings.origin('badge')} for one each)"
                )
        for role in chosen:
            written.write(
                target.replace("{role}", role),
                json.dumps(badge(role, report["roles"][role], report["claim"][role], void)) + "\n",
                "badge",
                settings.origin("badge"),
            )
    return written


def rules_failed_in(path_text: str, named: str) -> set[str]:
    """The rules a previous JSON report failed (or found not met), for --kaizen-rerun-failed."""
    try:
        report = json.loads(Path(path_text).read_text(encoding="utf-8"))
        failed = {
            rule["id"]
            for role in report["roles"].values()
            for rule in role["rules"]
            if rule["verdict"] in FAILING
        }
        # a failure charged to another rule than the check's own fails that rule in the
        # report; rerunning that rule's checks alone would leave out the check that failed
        return failed | {
            rule
            for check in report.get("checks", [])
            if check["outcome"] in FAILING
            for rule in check["rules"]
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise pytest.UsageError(
            f"{named}: not a readable kaizen JSON report ({type(exc).__name__}: {exc}); "
            "write one with --kaizen-report=FILE"
        ) from None
