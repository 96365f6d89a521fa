"""Setup mistakes are configuration errors, and the exit status is one CI can trust.

Each mistake of the run's set-up stops its role at exactly one ERROR that says the fix: no
rule of the role passes, none fails, the verdict reads CONFIGURATION ERROR in the terminal,
the JSON and the Markdown report, and the run exits 1. Then one run per verdict pins the exit
status: CONFORMS 0, DOES NOT CONFORM 1, INCOMPLETE 1 (0 with --kaizen-allow-incomplete).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from kitrun import KitRun, run_kit

from kaizen_conformance import contract

URLLIB_RESOLVER = """\
import json
import urllib.request


def resolve(hub_url, hostname, domain=None):
    with urllib.request.urlopen(hub_url + "/repos/?kaizen_schedule_enabled=true", timeout=5) as response:
        records = json.load(response)
    return [{"slug": r["slug"], "local_path": r["host_paths"][hostname]} for r in records]
"""

OTHER_DATABASE_HUB = """\
from kaizen_conformance.reference.hub import ReferenceHub

# the hub under test reads its own store, which holds what an earlier run left there...
hub = ReferenceHub(records=[{"slug": "old/stale", "domain": "old", "host_paths": {}}])
app = hub.asgi
other = ReferenceHub()  # ...but the seed writes to another one, as a wrong database URL would


def seed(target, records):
    other.replace(records)
"""

REDIRECTING_HUB = """\
def seed(app, records):
    pass


def app(environ, start_response):
    # a route declared as /repos: the framework redirects /repos/ there
    start_response("307 Temporary Redirect", [("Location", "http://testserver/repos"), ("Content-Length", "0")])
    return [b""]
"""

INIT_REFERENCE = "--kaizen-init=kaizen_conformance.reference.manifest_tools:init"


def configuration_error(run: KitRun, where: Path, role: str, *fix: str) -> dict[str, Any]:
    """Assert the role stopped at exactly one configuration error saying ``fix``; return its
    JSON report entry."""
    items = run.role_items(role)
    errors = [i for i in items if i.outcome == "error"]
    assert len(errors) == 1, [(i.name, i.outcome) for i in items if i.outcome != "skipped"]
    assert "kaizen_configuration_error" in errors[0].properties
    assert not [i for i in items if i.outcome == "failed"], "a setup mistake is no rule failure"
    for text in fix:
        assert text in errors[0].message, errors[0].message
    out = run.result.stdout.str()
    assert "DOES NOT CONFORM" not in out
    run.result.stdout.fnmatch_lines(
        [
            "*configuration error (no rule was judged, none passed):",
            "  verdict: CONFIGURATION ERROR*",
            f"kaizen exit status 1: {role} CONFIGURATION ERROR",
        ]
    )
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    report = json.loads((where / "report.json").read_text())
    data: dict[str, Any] = report["roles"][role]
    assert data["verdict"] == "configuration-error"
    assert data["rules_passed"] == 0
    assert all(rule["verdict"] != "passed" for rule in data["rules"])
    markdown = (where / "report.md").read_text()
    assert f"### {role}" in markdown and "CONFIGURATION ERROR" in markdown
    for text in fix:
        assert text in markdown or text in str(data["configuration_error"])
    return data


def run_with_reports(pytester: pytest.Pytester, *options: str) -> KitRun:
    return run_kit(
        pytester, "--kaizen-report=report.json", "--kaizen-report-md=report.md", *options
    )


# --------------------------------------------------------------------------- setup mistakes


def test_a_resolver_respx_cannot_reach_is_one_configuration_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(urllib_resolver=URLLIB_RESOLVER)
    pytester.syspathinsert()
    run = run_with_reports(pytester, "--kaizen-resolver=urllib_resolver:resolve")
    data = configuration_error(
        run, pytester.path, "resolver", "never reached the hub double", "--kaizen-hub-double=server"
    )
    assert "--kaizen-resolver-cmd" in str(data["configuration_error"])
    # RES-015 (GET only) used to pass on a resolver that sent nothing: no more
    assert not [i for i in run.role_items("resolver") if i.outcome == "passed"]


def test_a_resolver_command_that_is_not_installed_is_one_configuration_error(
    pytester: pytest.Pytester,
) -> None:
    run = run_with_reports(
        pytester, "--kaizen-resolver-cmd=kaizen-no-such-resolver {hub_url} {hostname} {domain}"
    )
    configuration_error(
        run,
        pytester.path,
        "resolver",
        "'kaizen-no-such-resolver'",
        "Fix --kaizen-resolver-cmd=kaizen-no-such-resolver {hub_url} {hostname} {domain}",
    )


def test_a_prepare_program_that_is_not_executable_is_one_configuration_error(
    pytester: pytest.Pytester,
) -> None:
    program = pytester.path / "prepare.sh"
    program.write_text("#!/bin/sh\necho '{}'\n")
    program.chmod(0o644)
    run = run_with_reports(pytester, "--kaizen-prepare-cmd=./prepare.sh {agent} {repo}")
    configuration_error(run, pytester.path, "prepare", "'./prepare.sh'", "not executable")


def test_a_seed_that_writes_where_the_hub_does_not_read_is_one_configuration_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(other_db=OTHER_DATABASE_HUB)
    pytester.syspathinsert()
    options = ("--kaizen-hub-app=other_db:app", "--kaizen-hub-seed=other_db:seed")
    run = run_with_reports(pytester, *options, "-k", "HUB- and not empty-roster")
    configuration_error(
        run,
        pytester.path,
        "hub",
        "--kaizen-hub-seed=other_db:seed seeded case",
        "lists none of them (it lists old/stale)",
    )
    # the empty roster is no exception: the hub still lists what the seed did not write
    empty = run_with_reports(pytester, *options, "-k", "HUB- and empty-roster")
    configuration_error(
        empty,
        pytester.path,
        "hub",
        "with no repos (an empty roster), GET /repos/ still lists old/stale",
    )
    run.result.stdout.no_fnmatch_line("*which is not in domain*")


def test_a_hub_that_redirects_repos_is_one_configuration_error_showing_the_location(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(redirect_hub=REDIRECTING_HUB)
    pytester.syspathinsert()
    run = run_with_reports(
        pytester,
        "--kaizen-hub-app=redirect_hub:app",
        "--kaizen-hub-seed=redirect_hub:seed",
        "-k",
        "HUB-",
    )
    configuration_error(
        run,
        pytester.path,
        "hub",
        "with 307, redirecting to http://testserver/repos",
        "serve GET /repos/ with the trailing slash",
    )


def test_only_the_misconfigured_role_stops(pytester: pytest.Pytester) -> None:
    run = run_with_reports(
        pytester,
        "--kaizen-resolver-cmd=kaizen-no-such-resolver {hub_url} {hostname} {domain}",
        INIT_REFERENCE,
    )
    assert set(run.role_outcomes("init").values()) == {"passed"}
    run.result.stdout.fnmatch_lines(["*verdict: CONFORMS"])
    configuration_error(run, pytester.path, "resolver", "'kaizen-no-such-resolver'")


# --------------------------------------------------------------------------- exit status


def test_conforms_exits_0(pytester: pytest.Pytester) -> None:
    run = run_kit(pytester, INIT_REFERENCE)
    assert run.result.ret == pytest.ExitCode.OK
    run.result.stdout.fnmatch_lines(["  verdict: CONFORMS", "kaizen exit status 0: init CONFORMS"])


def test_does_not_conform_exits_1(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(kit_pytester, "--kaizen-init=mutants.init.overwrites_existing:init")
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    run.result.stdout.fnmatch_lines(
        ["  verdict: DOES NOT CONFORM", "kaizen exit status 1: init DOES NOT CONFORM"]
    )


def test_incomplete_exits_1_unless_allowed(pytester: pytest.Pytester) -> None:
    narrowed = (INIT_REFERENCE, "-k", "INI-001")
    run = run_kit(pytester, *narrowed)
    assert all(outcome == "passed" for outcome in run.role_outcomes("init").values())
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    run.result.stdout.fnmatch_lines(
        [
            "  verdict: INCOMPLETE*",
            "kaizen exit status 1: init INCOMPLETE (*); --kaizen-allow-incomplete accepts it",
        ]
    )
    allowed = run_kit(pytester, *narrowed, "--kaizen-allow-incomplete")
    assert allowed.result.ret == pytest.ExitCode.OK
    allowed.result.stdout.fnmatch_lines(
        ["kaizen exit status 0: init INCOMPLETE (*), accepted by --kaizen-allow-incomplete"]
    )


def test_the_ini_twin_allows_incomplete_too(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nkaizen_allow_incomplete = true\n")
    run = run_kit(pytester, INIT_REFERENCE, "-k", "INI-001")
    assert run.result.ret == pytest.ExitCode.OK


def test_the_rules_of_a_stopped_role_are_all_not_judged() -> None:
    """The summary of a role with a configuration error counts no rule passed, whatever ran."""
    from types import SimpleNamespace

    from kaizen_conformance.core.settings import OptionValues
    from kaizen_conformance.reports.summary import ItemResult, role_lines, summarise

    rules = contract.rules_for("init", None)
    items = [
        ItemResult("INI-001[a]", "init", ("INI-001",), "MUST", "a", outcome="passed"),
        ItemResult(
            "INI-002[a]",
            "init",
            ("INI-002",),
            "MUST",
            "a",
            outcome="error",
            configuration_error="the init command cannot start. Fix --kaizen-init-cmd=...",
        ),
    ]
    target = SimpleNamespace(
        kind="command", spec="x {repo}", origin="--kaizen-init-cmd", is_reference=False
    )
    settings = SimpleNamespace(
        profile=lambda role: "v2", target=lambda role: target, options=OptionValues.from_table({})
    )
    (summary,) = summarise(items, settings)
    assert summary.verdict == "configuration-error"
    assert summary.passed == 0 and len(summary.rules) == len(rules)
    lines = role_lines(summary, verbose=True)
    assert "    the init command cannot start. Fix --kaizen-init-cmd=..." in lines
    assert lines[-1].startswith("  verdict: CONFIGURATION ERROR")
