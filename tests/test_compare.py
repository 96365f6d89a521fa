"""kaizen-conformance compare: many reports as one comparison (JSON with its schema), Markdown and
HTML; honest about mixed versions; older reports load; bad input names its file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from compare_samples import fleet, report, write_fleet
from kitrun import run_kit

from kaizen_conformance import CONTRACT_VERSION, contract
from kaizen_conformance.cli import main
from kaizen_conformance.reports.compare import compare, load_reports
from kaizen_conformance.reports.compare_html import html
from kaizen_conformance.reports.compare_markdown import markdown


def comparison_of(tmp_path: Path) -> dict[str, Any]:
    reading = load_reports([str(p) for p in write_fleet(tmp_path / "reports")])
    assert reading.unread == []
    result = compare(reading.reports)
    contract.validator("compare").validate(result)
    return result


def role(comparison: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in comparison["roles"] if r["role"] == name)


def cell(role_data: dict[str, Any], rule: str, column_name: str) -> dict[str, Any]:
    index = next(
        i for i, c in enumerate(role_data["columns"]) if c["implementation"]["name"] == column_name
    )
    row = next(r for r in role_data["rules"] if r["id"] == rule)
    result: dict[str, Any] = row["cells"][index]
    return result


def test_the_comparison_is_valid_and_puts_the_newest_run_of_each_implementation_in_a_column(
    tmp_path: Path,
) -> None:
    result = comparison_of(tmp_path)
    assert [r["role"] for r in result["roles"]] == ["hub", "resolver", "validate"]
    resolver = role(result, "resolver")
    assert [c["implementation"] for c in resolver["columns"]] == [
        {
            "name": "activity-core",
            "version": "1.6.0",
            "kind": "callable",
            "spec": "team.module:function",
        }
    ]
    assert resolver["columns"][0]["verdict"] == "conforms"
    [history] = result["history"]
    assert [run["version"] for run in history["runs"]] == ["1.4.0", "1.5.0", "1.6.0"]
    res011 = next(r for r in history["rules"] if r["id"] == "RES-011")
    assert res011["verdicts"] == ["failed", "failed", "passed"]


def test_failures_carry_their_cases_and_messages(tmp_path: Path) -> None:
    validate = role(comparison_of(tmp_path), "validate")
    failed = cell(validate, "SCH-002", "kaizen-agentic")
    assert failed["verdict"] == "failed"
    assert failed["failures"] == [
        {
            "case": "duplicate-names",
            "outcome": "failed",
            "kind": "wrong-answer",
            "message": "the answer was wrong",
        }
    ]
    assert cell(validate, "VAL-004", "kaizen-agentic")["verdict"] == "not-met"


def test_an_older_report_loads_and_a_rule_its_contract_lacked_is_not_a_failure(
    tmp_path: Path,
) -> None:
    result = comparison_of(tmp_path)
    validate = role(result, "validate")
    old = next(c for c in validate["columns"] if c["implementation"]["name"] == "legacy_validator")
    assert old["implementation"]["version"] is None  # the report predates implementation names
    assert cell(validate, "VAL-004", "legacy_validator") == {"verdict": "not-in-contract"}
    assert old["differences"] == [
        f"contract 1.0, not {CONTRACT_VERSION}: rules differ",
        "kit 0.0.9, not 0.1.0",
        "other fixture cases: verdicts were reached on different cases",
    ]
    new = next(c for c in validate["columns"] if c["implementation"]["name"] == "kaizen-agentic")
    assert new["differences"] == []
    assert result["mixed"] == [
        f"2 contract versions among these reports (1.0, {CONTRACT_VERSION})",
        "2 kit versions among these reports (0.0.9, 0.1.0)",
        f"2 fixture trees among these reports ({'a' * 12}, {'b' * 12})",
    ]


def test_a_rule_the_claimed_profile_leaves_out_is_not_a_failure(tmp_path: Path) -> None:
    reports = {
        "v1.json": report("hub", name="old-hub", profile="v1"),
        "v2.json": report("hub", name="new-hub", profile="v2"),
    }
    for name, data in reports.items():
        (tmp_path / name).write_text(json.dumps(data))
    hub = role(compare(load_reports([str(tmp_path)]).reports), "hub")
    v2_only = next(r.id for r in contract.rules_for("hub") if r.profiles == ("v2",))
    assert cell(hub, v2_only, "old-hub") == {"verdict": "not-in-profile"}
    assert cell(hub, v2_only, "new-hub")["verdict"] == "passed"


def test_markdown_has_a_verdict_row_per_role_symbols_and_words_and_the_history(
    tmp_path: Path,
) -> None:
    text = markdown(comparison_of(tmp_path))
    lines = text.splitlines()
    assert (
        f"> ⚠ Not all alike: 2 contract versions among these reports (1.0, {CONTRACT_VERSION})."
        in lines
    )
    assert "| rule | level | kaizen-agentic 0.9.2 | legacy\\_validator |" in lines
    assert "| **verdict** | | **✗ DOES NOT CONFORM** 8/10 | **✓ CONFORMS** 9/9 |" in lines
    assert (
        "| [VAL-004](CONTRACT.md#val-004) | SHOULD | ! not met (1): `yes-as-boolean` | "
        "∅ not in this contract version |"
    ) in lines
    assert (
        f"- ⚠ legacy\\_validator: contract 1.0, not {CONTRACT_VERSION}: rules differ; kit 0.0.9, not 0.1.0; "
        "other fixture cases: verdicts were reached on different cases (not comparable as equal)."
    ) in lines
    assert "### History: activity-core (resolver v2)" in lines
    # each run's column headed with its date and time: two runs of one day are told apart
    assert (
        "| rule | 2026-11-01 08:00 UTC 1.4.0 | 2026-11-15 08:00 UTC 1.5.0 | 2026-11-30 12:00 UTC 1.6.0 |"
        in lines
    )
    assert "| RES-011 | ✗ FAILED | ✗ FAILED | ✓ passed |" in lines


def test_two_functions_of_one_module_are_two_implementations(tmp_path: Path) -> None:
    # no --kaizen-implementation-name: both are named "kz.resolver" after their module
    for name, spec, failing, date in (
        ("good.json", "kz.resolver:resolve", {}, "2026-11-30T12:00:00+00:00"),
        (
            "broken.json",
            "kz.resolver:broken",
            {"RES-002": ["flag-true-file-missing"]},
            "2026-11-30T13:00:00+00:00",
        ),
    ):
        data = report(
            "resolver", name="kz.resolver", profile="v2", failing=failing, date=date, spec=spec
        )
        (tmp_path / name).write_text(json.dumps(data))
    comparison = compare(load_reports([str(tmp_path)]).reports)
    contract.validator("compare").validate(comparison)
    resolver = role(comparison, "resolver")
    names = {c["implementation"]["name"]: c["verdict"] for c in resolver["columns"]}
    assert names == {"kz.resolver:resolve": "conforms", "kz.resolver:broken": "does-not-conform"}
    assert comparison["history"] == []


def test_the_page_is_self_contained_with_real_tables(tmp_path: Path) -> None:
    page = html(comparison_of(tmp_path))
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "no network resources"
    assert "<link" not in page and "<script src" not in page
    assert page.count('<th scope="col"') >= 6
    assert '<th scope="row"><a href="CONTRACT.md#val-004">VAL-004</a>' in page
    assert "∅ not in this contract version" in page
    assert '<details><summary>✗ FAILED <span class="cases">3/4 cases</span></summary>' in page


def test_compare_reads_a_directory_and_writes_page_markdown_json_and_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_fleet(tmp_path / "reports")
    (tmp_path / "reports" / "badge.json").write_text('{"schemaVersion": 1}')
    out = tmp_path / "site"
    assert main(["compare", str(tmp_path / "reports"), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "CONTRACT.md",
        "compare.json",
        "compare.md",
        "index.html",
    ]
    contract.validator("compare").validate(json.loads((out / "compare.json").read_text()))
    assert '<a id="val-004"></a>' in (out / "CONTRACT.md").read_text()
    err = capsys.readouterr().err
    assert (
        f"{tmp_path / 'reports' / 'badge.json'}: passed over, not a kaizen-conformance report"
        in err
    )


def test_a_contract_url_replaces_the_copy(tmp_path: Path) -> None:
    write_fleet(tmp_path / "reports")
    url = "https://example.invalid/CONTRACT.md"
    out = tmp_path / "site"
    assert main(["compare", str(tmp_path / "reports"), "-o", str(out), "--contract-url", url]) == 0
    assert not (out / "CONTRACT.md").exists()
    assert f'href="{url}#val-004"' in (out / "index.html").read_text()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "not json",
            "{path}: not JSON (Expecting value: line 1 column 1 (char 0)); give the file written by --kaizen-report=FILE",
        ),
        (
            '{"a": 1}',
            "{path}: not a kaizen-conformance report (no kit named kaizen-conformance, no roles); give the file written by --kaizen-report=FILE",
        ),
        (
            None,
            "{path}: does not match report.schema.json at /: 'checks' is a required property (1 problem(s)); was it written by a newer kit? compare with kaizen-conformance 0.1.0 or later",
        ),
        (
            b"\xff\xfe",
            "{path}: cannot be read ('utf-8' codec can't decode byte 0xff in position 0: invalid start byte)",
        ),
    ],
    ids=["not-json", "not-a-report", "wrong-schema", "unreadable"],
)
def test_bad_input_is_one_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes | None, expected: str
) -> None:
    path = tmp_path / "bad.json"
    if content is None:
        broken = fleet()["hub.json"]
        del broken["checks"]
        content = json.dumps(broken)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    assert main(["compare", str(path), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"kaizen-conformance compare: {expected.format(path=path)}\n"
    assert not (tmp_path / "out").exists()


def test_a_report_with_no_role_configured_is_a_note_not_a_column(tmp_path: Path) -> None:
    empty = report("init", name="nobody")
    empty["claim"]["init"].update(configured=False, implementation=None)
    empty["roles"]["init"]["verdict"] = "not-configured"
    (tmp_path / "empty.json").write_text(json.dumps(empty))
    reading = load_reports([str(tmp_path / "empty.json")])
    assert reading.notes == [
        f"{tmp_path / 'empty.json'}: no role was configured in this run, so it adds no column"
    ]
    assert compare(reading.reports)["roles"] == []


def test_a_missing_file_and_an_empty_directory_are_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", str(tmp_path / "nope.json")]) == 2
    assert f"{tmp_path / 'nope.json'}: no such file or directory" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["compare", str(tmp_path / "empty")]) == 2
    assert f"{tmp_path / 'empty'}: no kaizen-conformance report" in capsys.readouterr().err


def test_the_report_names_the_implementation(pytester: pytest.Pytester) -> None:
    """From the options when given, else from the target; the version is null when unknown."""
    common = ("--kaizen-resolver=kaizen_conformance.reference.resolver:resolve_v2", "-k", "RES-002")
    run_kit(pytester, *common, "--kaizen-report=default.json")
    run_kit(
        pytester,
        *common,
        "--kaizen-report=named.json",
        "--kaizen-implementation-name=activity-core",
        "--kaizen-implementation-version=abc1234",
    )
    default = json.loads((pytester.path / "default.json").read_text())
    named = json.loads((pytester.path / "named.json").read_text())
    for data in (default, named):
        contract.validator("report").validate(data)
    impl = default["claim"]["resolver"]["implementation"]
    assert (impl["name"], impl["version"]) == (
        "kaizen_conformance.reference.resolver",
        contract_kit_version(),
    )
    impl = named["claim"]["resolver"]["implementation"]
    assert (impl["name"], impl["version"]) == ("activity-core", "abc1234")


def contract_kit_version() -> str:
    """The installed kit's version: the default version of a target inside the kit's package."""
    from importlib.metadata import version

    return version("kaizen-conformance")
