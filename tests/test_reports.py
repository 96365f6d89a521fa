"""Reports: JSON (valid against its schema, deterministic), Markdown, badge, expectations, reruns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kitrun import run_kit

from kaizen_conformance import contract

TRUSTING = (
    "from kaizen_conformance.reference import resolver as ref\n"
    "def resolve(hub_url, hostname, domain=None):\n"
    "    return [{'slug': r['slug'], 'local_path': r['host_paths'].get(hostname)}\n"
    "            for r in ref.fetch_roster(hub_url, domain, 'v2', 5)\n"
    "            if isinstance(r, dict) and r.get('kaizen_schedule_enabled') is True\n"
    "            and isinstance(r.get('host_paths'), dict) and ref.usable_checkout(r['host_paths'].get(hostname))]\n"
)


def stable(report: dict) -> dict:
    """The report without what may legitimately differ between runs."""
    copy = json.loads(json.dumps(report))
    copy.pop("generated_at")
    for check in copy["checks"]:
        check.pop("duration_s")
    return copy


def test_json_report_is_valid_and_identical_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(trusting=TRUSTING)
    pytester.syspathinsert()
    common = ("--kaizen-resolver=trusting:resolve", "-k", "test_resolver")
    run_kit(pytester, *common, "--kaizen-report=serial.json")
    run_kit(pytester, *common, "--kaizen-report=parallel.json", "-n", "2")
    serial = json.loads((pytester.path / "serial.json").read_text())
    parallel = json.loads((pytester.path / "parallel.json").read_text())
    contract.validator("report").validate(serial)
    assert stable(serial) == stable(parallel)
    resolver = serial["roles"]["resolver"]
    assert resolver["verdict"] == "does-not-conform"
    failed = {r["id"] for r in resolver["rules"] if r["verdict"] == "failed"}
    assert {"RES-002", "RES-003", "SCH-001"} <= failed
    assert serial["claim"]["resolver"]["implementation"]["spec"] == "trusting:resolve"
    assert str(pytester.path / "basetemp") not in json.dumps(serial), (
        "temporary paths must be normalised"
    )


def test_markdown_summary_goes_to_the_file_and_the_github_step_summary(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    step = pytester.path / "step-summary.md"
    step.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    run = run_kit(
        pytester,
        "--kaizen-reference",
        "-k",
        "test_resolver",
        "--kaizen-report-md=summary.md",
        "--kaizen-implementation-name=activity-core",
        "--kaizen-implementation-version=1a2b3c",
    )
    run.result.stdout.fnmatch_lines(["kaizen: Markdown summary written to summary.md"])
    text = (pytester.path / "summary.md").read_text()
    assert text.splitlines()[2:6] == [
        "| role | implementation | verdict | rules passed |",
        "|---|---|---|---|",
        "| resolver v2 | activity-core 1a2b3c (`kaizen_conformance.reference.resolver:resolve_v2`) "
        "| CONFORMS | 24/24 |",
        "",
    ]
    assert "### resolver v2: CONFORMS\n\nPassed: RES-001, RES-002," in text

    assert step.read_text() == "# earlier step\n" + text


def test_badge_says_role_profile_and_rules_passed(pytester: pytest.Pytester) -> None:
    run_kit(pytester, "--kaizen-reference", "-k", "test_resolver", "--kaizen-badge=badge.json")
    badge = json.loads((pytester.path / "badge.json").read_text())
    total = len(contract.rules_for("resolver", "v2"))
    assert badge == {
        "schemaVersion": 1,
        "label": "kaizen resolver v2",
        "message": f"{total}/{total}",
        "color": "brightgreen",
    }


def write_expectations(path: Path, *entries: tuple[str, str]) -> str:
    lines = ["known_failures:"] + [f"  - id: {i}\n    reason: {r}" for i, r in entries]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_known_failures_report_as_expected_and_the_run_passes_but_never_conforms(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(trusting=TRUSTING)
    pytester.syspathinsert()
    report = run_kit(
        pytester,
        "--kaizen-resolver=trusting:resolve",
        "--kaizen-report=first.json",
        "-k",
        "test_resolver",
    )
    failing = sorted(
        {
            r["id"]
            for r in json.loads((pytester.path / "first.json").read_text())["roles"]["resolver"][
                "rules"
            ]
            if r["verdict"] == "failed"
        }
    )
    expectations = write_expectations(
        pytester.path / "known.yml", *[(rule, "trusts the flag (ticket 7)") for rule in failing]
    )
    run = run_kit(
        pytester,
        "--kaizen-resolver=trusting:resolve",
        f"--kaizen-expectations={expectations}",
        "-k",
        "test_resolver",
    )
    assert run.result.ret == 0, run.result.stdout.str()[-2000:]
    run.result.stdout.fnmatch_lines(["  KNOWN-FAIL RES-002*", "  verdict: DOES NOT CONFORM"])
    assert report.result.ret == 1


def test_a_known_failure_that_passes_fails_the_run(pytester: pytest.Pytester) -> None:
    expectations = write_expectations(
        pytester.path / "known.yml", ("RES-002[flag-true-file-missing]", "fixed since?")
    )
    run = run_kit(
        pytester,
        "--kaizen-reference",
        f"--kaizen-expectations={expectations}",
        "-k",
        "flag-true-file-missing",
    )
    assert run.result.ret == 1
    run.result.stdout.fnmatch_lines(
        [
            "kaizen: known failure 'RES-002[[]flag-true-file-missing[]]' did not fail in this run: it is fixed, "
            "remove it from --kaizen-expectations (fixed since?)"
        ]
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("RES-099", "*known_failures[[]0[]]: RES-099 is not in the catalogue*"),
        ("no-such-case", "*'no-such-case' matches no check of this run*"),
    ],
)
def test_an_unknown_id_in_the_expectations_is_a_usage_error(
    pytester: pytest.Pytester, entry: str, message: str
) -> None:
    expectations = write_expectations(pytester.path / "known.yml", (entry, "typo"))
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-reference",
        f"--kaizen-expectations={expectations}",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_rerun_failed_selects_only_the_cases_of_failed_rules(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(trusting=TRUSTING)
    pytester.syspathinsert()
    run_kit(
        pytester,
        "--kaizen-resolver=trusting:resolve",
        "--kaizen-report=first.json",
        "-k",
        "test_resolver",
    )
    first = json.loads((pytester.path / "first.json").read_text())
    failed = {
        r["id"]
        for r in first["roles"]["resolver"]["rules"]
        if r["verdict"] in ("failed", "not-met")
    }
    rerun = run_kit(
        pytester, "--kaizen-resolver=trusting:resolve", "--kaizen-rerun-failed=first.json"
    )
    assert rerun.items and all(set(item.rules) & failed for item in rerun.items)
    assert len(rerun.items) < len(first["checks"])


def test_rerun_failed_with_an_unreadable_report_is_a_usage_error(pytester: pytest.Pytester) -> None:
    (pytester.path / "junk.json").write_text("{not json")
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "--kaizen-reference", "--kaizen-rerun-failed=junk.json"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--kaizen-rerun-failed=junk.json: not a readable kaizen JSON report*--kaizen-report=FILE"]
    )


def test_a_report_path_that_cannot_be_written_fails_the_run_naming_the_option(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "taken").mkdir()
    run = run_kit(
        pytester,
        "--kaizen-reference",
        "-k",
        "flag-true-file-missing",
        "--kaizen-report=taken",
        "--kaizen-allow-incomplete",
    )
    run.result.stdout.fnmatch_lines(
        ["kaizen: JSON report not written: --kaizen-report=taken: Is a directory; *"]
    )
    run.result.stdout.no_fnmatch_line("*INTERNALERROR*")
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR


def test_markdown_puts_failures_first_and_unconfigured_roles_on_one_line() -> None:
    from kaizen_conformance.reports.files import markdown

    def rule(rule_id: str, verdict: str, failed: list[str]) -> dict[str, object]:
        return {
            "id": rule_id,
            "level": "MUST",
            "verdict": verdict,
            "cases_passed": 3 - len(failed),
            "cases_total": 3,
            "failed_cases": failed,
            "text": "...",
        }

    report = {
        "kit": {"version": "0.1.0"},
        "contract": {"version": "1.2"},
        "claim": {
            "resolver": {
                "profile": "v2",
                "implementation": {"spec": "ac:discover", "kind": "callable"},
            },
            "hub": {"profile": "v2", "implementation": None},
        },
        "roles": {
            "resolver": {
                "verdict": "does-not-conform",
                "rules_passed": 1,
                "rules_total": 2,
                "rules": [
                    rule("RES-001", "passed", []),
                    rule("RES-004", "failed", ["mixed-fleet"]),
                ],
            },
            "hub": {"verdict": "not-configured", "rules_passed": 0, "rules_total": 11, "rules": []},
        },
        "checks": [
            {"name": "RES-004[mixed-fleet]", "rules": ["RES-004"], "failure_kind": "wrong-answer"},
        ],
    }
    lines = markdown(report).splitlines()
    assert lines == [
        "## kaizen conformance (contract v1.2, kit 0.1.0)",
        "",
        "| role | implementation | verdict | rules passed |",
        "|---|---|---|---|",
        "| resolver v2 | `ac:discover` | DOES NOT CONFORM | 1/2 |",
        "",
        "### resolver v2: DOES NOT CONFORM",
        "",
        "| rule | level | verdict | cases | failed on | how |",
        "|---|---|---|---|---|---|",
        "| RES-004 | MUST | FAILED | 2/3 | mixed-fleet | wrong-answer in 1 |",
        "",
        "Passed: RES-001.",
        "",
        "Not configured (not a pass): hub.",
    ]
    # --kaizen-implementation-name/-version: the name the team gave, with the target it ran as
    report["claim"]["resolver"]["implementation"].update(name="activity-core", version="abc123")
    assert "| resolver v2 | activity-core abc123 (`ac:discover`) | DOES NOT CONFORM | 1/2 |" in (
        markdown(report).splitlines()
    )
