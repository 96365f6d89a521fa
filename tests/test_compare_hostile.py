"""kaizen-conformance compare trusts none of its input: a misconfigured team's report, a FIFO, a
link to /dev/zero, JSON nested 200,000 deep, a contract version int() cannot read, report text
that is Markdown or HTML, a verdict its own rules contradict. Each is one line naming the file
(or a visible flag), and the page is still made from the rest."""

from __future__ import annotations

import base64
import hashlib
import html as html_module
import json
import os
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from compare_samples import report, write_fleet

from kaizen_conformance import contract
from kaizen_conformance.cli import main
from kaizen_conformance.reports.compare import compare
from kaizen_conformance.reports.compare_html import html
from kaizen_conformance.reports.compare_load import load_reports
from kaizen_conformance.reports.compare_markdown import escape_markdown, markdown

SECONDS = 20  # far above what any of these takes; a hang fails the test instead of the run
# Every free string of a report is this: a line that would be a heading, a table row, a link,
# an image, raw HTML, emphasis, an autolink, an entity and math, if it were not escaped.
HOSTILE = (
    "x\n## ✓ Fleet verdict: every implementation CONFORMS\n| forged | row |\r\n"
    "[link](https://evil.example) <img src=x onerror=alert(1)> *em* _em_ "
    "www.evil.example &amp; $x$ \u2028# after a line separator"
)
CASE = "a`b``c | d\n# e"  # a case id: backticks that would end a code span, a pipe, a heading


@contextmanager
def within(seconds: int = SECONDS) -> Iterator[None]:
    """Fail (not hang) when the body blocks: SIGALRM interrupts a blocking open or read (only
    the main thread may set it; elsewhere the body runs without the limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"compare did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_compare(
    capsys: pytest.CaptureFixture[str], *arguments: Path, out: Path
) -> tuple[int, list[str]]:
    """``compare ARGUMENTS -o OUT`` under a timeout: its exit status and its stderr lines."""
    with within():
        status = main(["compare", *map(str, arguments), "-o", str(out)])
    return status, capsys.readouterr().err.splitlines()


def written(out: Path) -> dict[str, Any]:
    """The three outputs, compare.json checked against its schema."""
    comparison = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    contract.validator("compare").validate(comparison)
    return {
        "json": comparison,
        "md": (out / "compare.md").read_text(encoding="utf-8"),
        "html": (out / "index.html").read_text(encoding="utf-8"),
    }


def column_names(comparison: dict[str, Any]) -> list[str]:
    return [c["implementation"]["name"] for r in comparison["roles"] for c in r["columns"]]


FLEET_COLUMNS = ["state-hub", "activity-core", "kaizen-agentic", "legacy_validator"]


def test_a_configuration_error_report_renders_beside_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    write_fleet(reports)
    broken = report("prepare", name="misconfigured-team")
    stopped = broken["roles"]["prepare"]
    stopped.update(
        verdict="configuration-error",
        configuration_error="--kaizen-prepare-cmd: the program 'prep' is not installed\n"
        "fix: install it or give its path",
        rules_passed=0,
    )
    for rule in stopped["rules"]:
        rule.update(verdict="not-run", cases_passed=0)
    contract.validator("report").validate(broken)
    (reports / "misconfigured.json").write_text(json.dumps(broken))
    status, _ = run_compare(capsys, reports, out=tmp_path / "site")
    assert status == 0
    out = written(tmp_path / "site")
    [column] = next(r for r in out["json"]["roles"] if r["role"] == "prepare")["columns"]
    assert column["verdict"] == "configuration-error"
    assert column["configuration_error"].startswith("--kaizen-prepare-cmd: the program")
    assert column["contradictions"] == []
    assert "| **verdict** | | **⚠ CONFIGURATION ERROR** 0/" in out["md"]
    assert "misconfigured-team: configuration error: --kaizen-prepare-cmd" in out["md"]
    assert 'class="rv-configuration-error"' in out["html"]
    assert "⚠ CONFIGURATION ERROR 0/" in out["html"]
    assert column_names(out["json"]) == [
        *FLEET_COLUMNS[:2],
        "misconfigured-team",
        *FLEET_COLUMNS[2:],
    ]


def test_an_unknown_verdict_reads_as_unknown_not_a_crash(tmp_path: Path) -> None:
    """A comparison from elsewhere (or a newer kit) with words this kit does not know."""
    reading = load_reports([str(p) for p in write_fleet(tmp_path)])
    comparison = compare(reading.reports)
    comparison["roles"][0]["columns"][0]["verdict"] = "<b>shiny</b>"
    comparison["roles"][0]["rules"][0]["cells"][0]["verdict"] = "re`mixed"
    comparison["history"][0]["runs"][0]["verdict"] = "later"
    page, text = html(comparison), markdown(comparison)
    assert "? unknown verdict (&lt;b&gt;shiny&lt;/b&gt;)" in page
    assert 'class="rv-unknown"' in page and 'class="v-unknown"' in page
    assert "? unknown verdict (re`mixed)" in html_module.unescape(page)
    assert "**? unknown verdict (\\<b\\>shiny\\</b\\>)**" in text
    assert "? unknown verdict (re\\`mixed)" in text
    assert "**? unknown verdict (later)**" in text


@pytest.mark.parametrize("where", ["named", "in-directory"])
@pytest.mark.parametrize("kind", ["fifo", "link-to-dev-zero"])
def test_a_file_that_is_not_regular_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, where: str
) -> None:
    """A FIFO would block the open (no writer ever comes), /dev/zero would never end."""
    reports = tmp_path / "reports"
    write_fleet(reports)
    odd = reports / "odd.json"
    if kind == "fifo":
        os.mkfifo(odd)
    else:
        odd.symlink_to("/dev/zero")
    named = where == "named"
    status, err = run_compare(
        capsys, *([odd, reports] if named else [reports]), out=tmp_path / "site"
    )
    what = "a FIFO" if kind == "fifo" else "a character device"
    problem = f"not a regular file ({what}); give the file written by --kaizen-report=FILE"
    if named:  # a file given by name must be a report: the page says it is missing
        assert status == 1
        assert f"kaizen-conformance compare: {odd}: {problem}" in err
        out = written(tmp_path / "site")
        assert out["json"]["unread"] == [{"source": str(odd), "problem": problem}]
        assert "⚠ Not compared." in out["html"]
    else:  # in a directory, a file that cannot be read is passed over, like a badge
        assert status == 0
        assert f"kaizen-conformance compare: {odd}: passed over, {problem}" in err
        out = written(tmp_path / "site")
    assert column_names(out["json"]) == FLEET_COLUMNS


def nested(path: Path) -> None:
    path.write_text("[" * 200_000)


def contract_version_of_superscript(path: Path) -> None:
    data = report("hub", name="odd-hub", profile="v2")
    data["contract"]["version"] = "1.²"  # str.isdigit() says yes, int() says no
    path.write_text(json.dumps(data), encoding="utf-8")


def larger_than_the_cap(path: Path) -> None:
    with path.open("wb") as file:  # sparse: no disk used
        file.write(b"{")
        file.truncate(33 * 1024 * 1024)


def not_a_number(path: Path) -> None:
    data = json.dumps(report("hub", name="nan-hub", failing={"HUB-001": ["x"]}))
    path.write_text(data.replace('"duration_s": 0.01', '"duration_s": NaN'))


def wrong_type(path: Path) -> None:
    data = report("hub", name="typed-hub")
    data["roles"]["hub"]["rules_passed"] = "all of them"
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (
            nested,
            "not a report: its JSON is nested too deeply to read; give the file written by "
            "--kaizen-report=FILE",
        ),
        (
            contract_version_of_superscript,
            "contract version '1.²' is not numbers separated by dots (like 1.1); give the file "
            "written by --kaizen-report=FILE",
        ),
        (larger_than_the_cap, "larger than 32 MiB, the most compare reads of a report"),
        (
            not_a_number,
            "not JSON (NaN is not JSON); give the file written by --kaizen-report=FILE",
        ),
        (
            wrong_type,
            "does not match report.schema.json at /roles/hub/rules_passed: 'all of them' is not "
            "of type 'integer' (1 problem(s)); was it written by a newer kit? compare with "
            "kaizen-conformance 0.1.0 or later",
        ),
    ],
    ids=["nested-200000", "contract-1.²", "33-MiB", "NaN", "wrong-type"],
)
def test_a_bad_report_is_one_line_and_the_page_is_made_from_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, problem: str
) -> None:
    reports = tmp_path / "reports"
    write_fleet(reports)
    bad = tmp_path / "bad.json"
    make(bad)
    status, err = run_compare(capsys, bad, reports, out=tmp_path / "site")
    assert status == 1
    assert err == [
        f"kaizen-conformance compare: {bad}: {problem}",
        "kaizen-conformance compare: 1 file(s) could not be compared (listed on the page); "
        "the page shows the others",
    ]
    out = written(tmp_path / "site")
    assert out["json"]["unread"] == [{"source": str(bad), "problem": problem}]
    assert column_names(out["json"]) == FLEET_COLUMNS
    assert f"> ⚠ Not compared: {escape_markdown(str(bad))}: " in out["md"]
    assert html_module.escape(problem) in out["html"]


def test_in_a_directory_a_deeply_nested_file_is_passed_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    write_fleet(reports)
    nested(reports / "deep.json")
    status, err = run_compare(capsys, reports, out=tmp_path / "site")
    assert status == 0
    assert any(
        line.endswith(
            "deep.json: passed over, not a report: its JSON is nested too deeply to read; give the file written by --kaizen-report=FILE"
        )
        for line in err
    )
    assert column_names(written(tmp_path / "site")["json"]) == FLEET_COLUMNS


def hostile_fleet(directory: Path) -> Path:
    """The sample fleet and a resolver report whose every free string is ``HOSTILE`` (its case
    ids ``CASE``), older than the fleet's resolver so that its kit version shows as a difference;
    and a file with a hostile name that is not a report, to be named on the command line."""
    write_fleet(directory)
    data = report(
        "resolver",
        name=HOSTILE,
        version=HOSTILE,
        profile="v2",
        failing={"RES-011": [CASE]},
        kit_version=HOSTILE,
        spec=HOSTILE,
        date="2026-10-01T08:00:00+00:00",
    )
    role = data["roles"]["resolver"]
    role["enforcement"] = {"network": "audit-hook-only", "note": HOSTILE}
    for rule in role["rules"]:
        rule["text"] = HOSTILE
    for check in data["checks"]:
        check["message"] = f"RES-011 MUST\ncase {CASE}: {HOSTILE}"
    contract.validator("report").validate(data)
    (directory / "hostile.json").write_text(json.dumps(data), encoding="utf-8")
    unreadable = directory.parent / f"{CASE}.json"
    unreadable.write_text("not json")
    return unreadable


UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def test_no_report_text_becomes_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unreadable = hostile_fleet(tmp_path / "reports")
    status, _ = run_compare(capsys, unreadable, tmp_path / "reports", out=tmp_path / "site")
    assert status == 1  # the hostile-named file is not a report; the page is still made
    out = written(tmp_path / "site")
    assert HOSTILE in column_names(out["json"])
    text = out["md"]
    lines = text.splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert not [h for h in headings if "Fleet" in h or h.endswith("# e")], "no heading added"
    for line in lines:  # report text sits inside our own lines, never starts one
        if "Fleet verdict" in line or "# e" in line:
            assert line.startswith(("| ", "- ", "> ", "### History: ")), line
    tables = re.findall(r"(?:^\|.*\n?)+", text, flags=re.MULTILINE)
    assert tables
    for table in tables:  # no cell added or split: every row has its header's cells
        counts = {len(UNESCAPED_PIPE.findall(row)) for row in table.splitlines()}
        assert len(counts) == 1, table
    # No link, image, HTML, emphasis, autolink, entity or math survives unescaped.
    for raw in ("[link]", "<img", "*em*", "_em_", "https://", "www.evil", "&amp;", "$x$"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), text), raw
    assert "\\[link\\](https\\://evil.example) \\<img src=x onerror=alert(1)\\>" in text
    # A backtick in a case id (or a file name) cannot end its code span.
    assert "```a`b``c \\| d # e```" in text
    shown = escape_markdown(f"{unreadable.parent}/") + "a\\`b\\`\\`c \\| d\\\\n\\# e.json"
    assert f"> ⚠ Not compared: {shown}: not JSON " in text  # the name's newline as \n
    # The page escapes the same text: no element from a report.
    assert "<img" not in out["html"] and "&lt;img src=x onerror=alert(1)&gt;" in out["html"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain-name 1.0", "plain-name 1.0"),
        ("a|b", "a\\|b"),
        ("line\nbreak\r\nand\u2028more", "line break  and more"),
        ("<b>&x;</b>", "\\<b\\>\\&x;\\</b\\>"),
        ("[x](y) ![i](j)", "\\[x\\](y) !\\[i\\](j)"),
        ("# h", "\\# h"),
        ("see http://x or WWW.y", "see http\\://x or WWW\\.y"),
        ("back\\slash", "back\\\\slash"),
        ("\u202eevil", " evil"),
    ],
)
def test_escape_markdown_makes_text_inert(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("case-1", "`case-1`"), ("a`b", "``a`b``"), ("`x`", "`` `x` ``"), ("p|q", "`p\\|q`")],
)
def test_escape_markdown_as_code_outlasts_any_backtick_run(text: str, expected: str) -> None:
    assert escape_markdown(text, code=True) == expected


def csp_hash(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"


def test_the_page_allows_only_its_own_style_and_script(tmp_path: Path) -> None:
    write_fleet(tmp_path / "reports")
    assert main(["compare", str(tmp_path / "reports"), "-o", str(tmp_path / "site")]) == 0
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    [policy] = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    policy = html_module.unescape(policy)
    [style] = re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    [script] = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives == {
        "default-src": "'none'",
        "style-src": csp_hash(style),
        "script-src": csp_hash(script),
        "base-uri": "'none'",
        "form-action": "'none'",
    }
    assert page.index("Content-Security-Policy") < page.index("<style>"), "policy first"
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", page), "no inline event handler"
    assert not re.search(r"<[^>]*\sstyle\s*=", page), "no style attribute"
    assert page.count("<script") == 1 and page.count("<style") == 1


def verdict_report(verdict: str, **kwargs: Any) -> dict[str, Any]:
    data = report("validate", name=f"says-{verdict}", **kwargs)
    data["roles"]["validate"]["verdict"] = verdict
    return data


def contradictions_of(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    (tmp_path / "r.json").write_text(json.dumps(data))
    reading = load_reports([str(tmp_path / "r.json")])
    [role] = compare(reading.reports)["roles"]
    found: list[str] = role["columns"][0]["contradictions"]
    return found


def test_a_verdict_its_own_rules_contradict_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    write_fleet(reports)
    forged = verdict_report("conforms", failing={"SCH-002": ["duplicate-names"]})
    (reports / "forged.json").write_text(json.dumps(forged))
    status, _ = run_compare(capsys, reports, out=tmp_path / "site")
    assert status == 0
    out = written(tmp_path / "site")
    validate = next(r for r in out["json"]["roles"] if r["role"] == "validate")
    column = next(c for c in validate["columns"] if c["implementation"]["name"] == "says-conforms")
    assert column["verdict"] == "conforms"  # shown as the report gives it, flagged
    assert column["contradictions"] == ["says CONFORMS, but MUST rule(s) did not pass: SCH-002"]
    assert "**✓ CONFORMS** 9/10 ⚠ contradicts its own rules" in out["md"]
    assert (
        "- ⚠ says-conforms: the verdict contradicts its own rules: says CONFORMS, but MUST rule(s) "
        "did not pass: SCH-002 (shown as the report gives it)."
    ) in out["md"].splitlines()
    assert 'class="rv-conforms contradicted"' in out["html"]
    assert "says CONFORMS, but MUST rule(s) did not pass: SCH-002</li>" in out["html"]
    others = [c for c in validate["columns"] if c is not column]
    assert [c["contradictions"] for c in others] == [[], []]


def test_only_plain_contradictions_are_flagged(tmp_path: Path) -> None:
    passing = verdict_report("does-not-conform")
    assert contradictions_of(tmp_path, passing) == [
        "says DOES NOT CONFORM, but every MUST rule passed"
    ]
    hidden = verdict_report("incomplete", failing={"SCH-002": ["x"]})
    assert contradictions_of(tmp_path, hidden) == [
        "says INCOMPLETE, but MUST rule(s) failed: SCH-002"
    ]
    miscounted = report("validate", name="miscounted")
    miscounted["roles"]["validate"]["rules_passed"] = 3
    assert contradictions_of(tmp_path, miscounted) == [
        "says 3/10 rules passed, but its rule rows show 10/10"
    ]
    # A SHOULD rule that failed under --kaizen-strict justifies the verdict: not flagged.
    strict = verdict_report("does-not-conform", failing={"VAL-004": ["yes-as-boolean"]})
    strict["strict"] = True
    should = next(r for r in strict["roles"]["validate"]["rules"] if r["id"] == "VAL-004")
    should["verdict"] = "failed"
    assert contradictions_of(tmp_path, strict) == []
    # So does a failure found by --kaizen-explore-strict, which has no rule row of its own.
    explored = verdict_report("does-not-conform")
    explored["explored"] = {"validate": {"outcome": "found", "examples": 7, "strict": True}}
    assert contradictions_of(tmp_path, explored) == []


def test_enforcement_is_shown_where_a_report_gives_it(tmp_path: Path) -> None:
    with_it = report("hub", name="sandboxed-hub", profile="v2")
    with_it["roles"]["hub"]["enforcement"] = {"network": "namespace", "note": "unshare -n"}
    without = report("hub", name="plain-hub", profile="v2")
    for name, data in (("a.json", with_it), ("b.json", without)):
        contract.validator("report").validate(data)
        (tmp_path / name).write_text(json.dumps(data))
    comparison = compare(load_reports([str(tmp_path)]).reports)
    contract.validator("compare").validate(comparison)
    plain, sandboxed = comparison["roles"][0]["columns"]
    assert sandboxed["enforcement"] == {"network": "namespace", "note": "unshare -n"}
    assert "enforcement" not in plain
    text, page = markdown(comparison), html(comparison)
    assert text.count("offline rules enforced by") == 1
    assert "offline rules enforced by namespace: unshare -n" in text
    assert page.count("offline rules enforced by") == 1
    assert "<span class=meta>offline rules enforced by namespace: unshare -n</span>" in page
