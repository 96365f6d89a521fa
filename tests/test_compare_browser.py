"""The comparison page in a real browser (headless Chromium driven by Playwright): what a person
sees in the cells, the filters by click and by keyboard, no console errors and no violation of
the page's Content-Security-Policy, which the browser enforces; a screenshot is kept.

No browser is ever downloaded: the test uses the system's Chromium (``.ci/run`` installs
Debian's ``chromium``) and is SKIPPED, with the reason, where there is none.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from compare_samples import write_fleet

from kaizen_conformance.cli import main

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    """A fresh browser (own user-data-dir) showing the page made from the sample fleet."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
    )
    executable = chromium_path()
    if executable is None:
        pytest.skip("no chromium on PATH: install Debian's chromium (.ci/run does)")
    write_fleet(tmp_path / "reports")
    assert main(["compare", str(tmp_path / "reports"), "-o", str(tmp_path / "site")]) == 0
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            tab = context.new_page()
            errors: list[str] = []
            tab.on("console", lambda m: errors.append(m.text) if logged_error(m) else None)
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.set_default_timeout(10_000)
            tab.goto((tmp_path / "site" / "index.html").as_uri())
            yield tab
            assert errors == [], "the page logged errors"
        finally:
            context.close()


def logged_error(message: Any) -> bool:
    """A console error, or any message about the Content-Security-Policy (a blocked style or
    script is how a broken hash shows)."""
    return bool(message.type == "error" or "Content Security Policy" in message.text)


def visible_columns(page: Any, role: str) -> list[str]:
    heads = page.locator(f"#role-{role} thead th[data-column]")
    return [
        heads.nth(i).inner_text().splitlines()[0]
        for i in range(heads.count())
        if heads.nth(i).is_visible()
    ]


def test_a_person_sees_verdicts_in_the_cells_and_the_failing_cases(
    page: Any, tmp_path: Path
) -> None:
    validate = page.locator("#role-validate")
    assert validate.locator("caption").is_visible()
    assert visible_columns(page, "validate") == ["kaizen-agentic", "legacy_validator"]
    heads = validate.locator("thead th[data-column]")
    assert "✗ DOES NOT CONFORM 8/10" in heads.nth(0).inner_text()
    assert "⚠ not made like the newest:" in heads.nth(1).inner_text()
    row = validate.locator("tbody tr", has=page.get_by_role("link", name="VAL-004", exact=True))
    assert row.locator("td").nth(2).inner_text().strip() == "∅ not in this contract version"
    failed = validate.locator(
        "tbody tr", has=page.get_by_role("link", name="SCH-002", exact=True)
    ).locator("td details")
    assert not failed.locator("li").is_visible()
    failed.locator("summary").click()
    assert failed.locator("li").inner_text().startswith("duplicate-names (wrong-answer)")
    assert page.locator(".warning").inner_text().startswith("⚠ Not all alike.")
    history = page.locator("section.history")
    assert "activity-core (resolver v2)" in history.locator("h2").inner_text()
    shot = tmp_path / "compare.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000


def test_the_filters_work_by_click_and_by_keyboard(page: Any) -> None:
    assert page.locator("#filters").is_visible(), "the script shows the filters"
    page.get_by_role("radio", name="validate", exact=True).click()
    assert not page.locator("#role-hub").is_visible()
    assert page.locator("#role-validate").is_visible()
    assert (
        page.locator("#filter-status").inner_text()
    ) == "Showing 10 rule row(s) and 2 implementation column(s)."
    # Level by keyboard: focus "all", then the arrow keys choose MUST, then SHOULD.
    page.get_by_role("radio", name="all").nth(1).focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.get_by_role("radio", name="SHOULD").is_checked()
    levels = page.locator("#role-validate tbody tr:visible td:nth-child(2)").all_inner_texts()
    assert levels and set(levels) == {"SHOULD"}
    # Profile: v1 hides the v2 hub column; roles without profiles keep theirs.
    page.get_by_role("radio", name="all").first.click()
    page.get_by_role("radio", name="v1").click()
    assert visible_columns(page, "hub") == []
    assert visible_columns(page, "validate") == ["kaizen-agentic", "legacy_validator"]


def test_without_script_the_page_is_whole(tmp_path: Path) -> None:
    """The filters are hidden and nothing else is: progressive enhancement."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no chromium on PATH: install Debian's chromium (.ci/run does)")
    write_fleet(tmp_path / "reports")
    assert main(["compare", str(tmp_path / "reports"), "-o", str(tmp_path / "site")]) == 0
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(java_script_enabled=False)
            tab = context.new_page()
            tab.goto((tmp_path / "site" / "index.html").as_uri())
            assert not tab.locator("#filters").is_visible()
            assert tab.locator("section.role").count() == 3
            assert (
                tab.locator("section.role tbody tr:visible").count()
                == tab.locator("section.role tbody tr").count()
            )
        finally:
            browser.close()


def test_the_policy_is_enforced_and_hostile_report_text_stays_text(tmp_path: Path) -> None:
    """The page's own style and script run under its policy and nothing else does: report text
    that is markup shows as text, and a script put into the page by other means is refused."""
    from test_compare_hostile import HOSTILE, hostile_fleet

    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no chromium on PATH: install Debian's chromium (.ci/run does)")
    hostile_fleet(tmp_path / "reports")
    assert main(["compare", str(tmp_path / "reports"), "-o", str(tmp_path / "site")]) == 0
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            tab = browser.new_page()
            messages: list[str] = []
            dialogs: list[str] = []
            tab.on("console", lambda m: messages.append(m.text) if logged_error(m) else None)
            tab.on("pageerror", lambda e: messages.append(str(e)))
            tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            tab.goto((tmp_path / "site" / "index.html").as_uri())
            assert messages == [], "the page's own style and script are allowed"
            assert tab.locator("#filters").is_visible(), "its script ran"
            background = tab.locator("th.rv-conforms").first.evaluate(
                "e => getComputedStyle(e).backgroundColor"
            )
            assert background == "rgb(227, 244, 225)", "its style applied"
            heads = tab.locator("#role-resolver thead th[data-column]").all_inner_texts()
            assert any(HOSTILE.split("\n")[1] in head for head in heads), "markup shown as text"
            assert tab.locator("img").count() == 0 and dialogs == []
            tab.evaluate(
                "() => { const s = document.createElement('script');"
                " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
            )
            assert tab.evaluate("() => window.injected === undefined"), (
                "an injected script is refused"
            )
            assert any("Content Security Policy" in m for m in messages), messages
        finally:
            browser.close()
