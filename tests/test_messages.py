"""The exact text a user reads: checkers' failure messages, the summary's lines, what an explained
failure looks like, and how a message names a setting (flag, ini key or --kaizen-reference)."""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

import pytest

from kaizen_conformance import contract
from kaizen_conformance.adapters.hub import HubAnswer
from kaizen_conformance.adapters.manifest_tools import ToolRun
from kaizen_conformance.cases.hub import HubQuery, Params
from kaizen_conformance.core.checks import Check, Violation
from kaizen_conformance.core.settings import OptionValues, RoleTarget, Settings, named
from kaizen_conformance.reports.summary import RoleSummary, RuleVerdict, counted, role_lines
from kaizen_conformance.roles import hub
from kaizen_conformance.roles.validate import message_problem

HIDDEN = "*traceback entries are hidden*"
REFERENCE_HUB = "kaizen_conformance.reference.hub"
REFERENCE_TOOLS = "kaizen_conformance.reference.manifest_tools"

# --------------------------------------------------------------------------- checkers


def answer(records: list[Any], params: Params = (), status: int = 200) -> HubAnswer:
    return HubAnswer(
        params=params,
        status=status,
        content_type="application/json",
        body=json.dumps(records).encode(),
    )


def unseeded(first: HubAnswer, refusals: list[HubAnswer] | None = None) -> hub.Observation:
    return hub.Observation(
        case=None, profile="v2", first=first, again=first, last=first, refusals=refusals or []
    )


def violation(check: Any, observation: hub.Observation) -> str:
    with pytest.raises(Violation) as raised:
        check(observation)
    return str(raised.value)


def record(slug: str, **fields: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "domain": "custodian",
        "host_paths": {},
        "kaizen_schedule_enabled": False,
        "kaizen_schedule_updated_at": None,
        **fields,
    }


def test_hub_002_names_the_request_and_the_repeated_slug() -> None:
    listing = answer([record("custodian/a"), record("custodian/a"), record("custodian/b")])
    assert violation(hub.check_unique_slugs, unseeded(listing)) == (
        "slugs must be unique within one response:\n  - GET /repos/ lists custodian/a (2 times)"
    )


def test_hub_010_quotes_a_flag_that_is_not_a_boolean() -> None:
    listing = answer([record("custodian/a", kaizen_schedule_enabled="yes")])
    assert violation(hub.check_flag_field, unseeded(listing)) == (
        "every record must carry kaizen_schedule_enabled as a JSON boolean (false when never flagged):\n"
        '  - GET /repos/: custodian/a has kaizen_schedule_enabled "yes", not a JSON boolean'
    )


def test_hub_011_says_what_is_wrong_with_the_date_time() -> None:
    listing = answer([record("custodian/a", kaizen_schedule_updated_at="2026-06-17T06:19:51")])
    assert violation(hub.check_timestamp_field, unseeded(listing)) == (
        "every record must carry kaizen_schedule_updated_at, an RFC 3339 date-time with an offset "
        "or null (null when never flagged):\n"
        "  - GET /repos/: custodian/a: kaizen_schedule_updated_at '2026-06-17T06:19:51' has no "
        "offset: a local time names no instant; add Z or ±hh:mm"
    )


def test_hub_015_lists_every_refusal_that_is_not_one() -> None:
    accepted = answer([], params=(("kaizen_schedule_enabled", "maybe"),))
    plain = HubAnswer(
        params=(("kaizen_schedule_enabled", ""),),
        status=400,
        content_type="text/plain",
        body=b"bad flag",
    )
    assert violation(hub.check_refusals, unseeded(answer([]), [accepted, plain])) == (
        "an unparseable kaizen_schedule_enabled must be refused with 400 or 422 and a JSON body, "
        "never 200; another spelling of a boolean is refused alike or filters as its meaning:\n"
        "  - GET /repos/?kaizen_schedule_enabled=maybe answered 200 (application/json): '[]' — "
        "an unparseable value must be refused with 400 or 422\n"
        "  - GET /repos/?kaizen_schedule_enabled= answered 400 (text/plain): 'bad flag' — the "
        "refusal must have a JSON body: the body is not JSON (Expecting value: line 1 column 1 "
        "(char 0))"
    )


def test_hub_015_names_a_spelling_that_filters_wrongly() -> None:
    roster = [
        record("a/on", kaizen_schedule_enabled=True),
        record("a/off", kaizen_schedule_enabled=False),
    ]
    first = answer(roster)
    unfiltered = answer(roster, params=(("kaizen_schedule_enabled", "yes"),))
    inverted = answer(roster[1:], params=(("kaizen_schedule_enabled", "1"),))
    right = answer(roster[1:], params=(("kaizen_schedule_enabled", "no"),))
    refused = answer({"detail": "no"}, params=(("kaizen_schedule_enabled", "off"),), status=422)  # type: ignore[arg-type]
    observation = unseeded(first)
    observation.spellings = [
        ("yes", True, unfiltered),
        ("1", True, inverted),
        ("no", False, right),
        ("off", False, refused),
    ]
    assert violation(hub.check_refusals, observation) == (
        "an unparseable kaizen_schedule_enabled must be refused with 400 or 422 and a JSON body, "
        "never 200; another spelling of a boolean is refused alike or filters as its meaning:\n"
        "  - GET /repos/?kaizen_schedule_enabled=yes answered 200 with the unfiltered list; "
        "'yes' means true: accepted, it must filter exactly as kaizen_schedule_enabled=true\n"
        "  - GET /repos/?kaizen_schedule_enabled=1 answered 200 with the list "
        "kaizen_schedule_enabled=false gives (inverted); '1' means true: accepted, it must filter "
        "exactly as kaizen_schedule_enabled=true"
    )


def test_hub_015_judges_a_spelling_against_the_hubs_own_true_and_false() -> None:
    # the hub's own =true lists a never-flagged repo too (HUB-012's to say): '1' listing the
    # same is filtered as true, not "as neither boolean"; '0' listing =true's list is inverted
    roster = [
        record("a/on", kaizen_schedule_enabled=True),
        record("a/off", kaizen_schedule_enabled=False),
        record("a/new", kaizen_schedule_enabled=None),
    ]
    own_true = answer([roster[0], roster[2]], params=(("kaizen_schedule_enabled", "true"),))
    own_false = answer([roster[1]], params=(("kaizen_schedule_enabled", "false"),))
    observation = unseeded(answer(roster))
    observation.views = [
        (HubQuery((("kaizen_schedule_enabled", "true"),), ("a/on",), "HUB-012"), own_true),
        (
            HubQuery((("kaizen_schedule_enabled", "false"),), ("a/new", "a/off"), "HUB-013"),
            own_false,
        ),
    ]
    observation.spellings = [
        ("1", True, answer([roster[0], roster[2]], params=(("kaizen_schedule_enabled", "1"),))),
        ("0", False, answer([roster[0], roster[2]], params=(("kaizen_schedule_enabled", "0"),))),
    ]
    assert violation(hub.check_refusals, observation).splitlines()[1:] == [
        "  - GET /repos/?kaizen_schedule_enabled=0 answered 200 with the list "
        "kaizen_schedule_enabled=true gives (inverted); '0' means false: accepted, it must filter "
        "exactly as kaizen_schedule_enabled=false"
    ]


@pytest.mark.parametrize(
    ("run", "problem"),
    [
        (
            ToolRun("command", "failed", message="invalid", stderr="invalid"),
            "the rejection does not name the file: stderr 'invalid' never mentions schedule.yml",
        ),
        (
            ToolRun("callable", "failed", message="schedule.yml is invalid"),
            "the rejection names schedule.yml but not what is wrong with it: "
            "'schedule.yml is invalid'; say why (the key, the value, the rule)",
        ),
        (
            ToolRun(
                "command",
                "failed",
                message="Traceback (most recent call last):\nKeyError: 'agents'\n",
                stderr="Traceback (most recent call last):\nKeyError: 'agents'\n",
            ),
            "the rejection on stderr is a Python traceback ending \"KeyError: 'agents'\": the "
            "validator crashed instead of saying what is wrong with schedule.yml",
        ),
        (
            ToolRun(
                "callable",
                "failed",
                message="schedule.yml: agents[0].name is missing",
            ),
            None,
        ),
    ],
    ids=["no-file", "no-reason", "traceback", "good"],
)
def test_val_002_says_what_a_rejection_lacks(run: ToolRun, problem: str | None) -> None:
    assert message_problem(run) == problem


# --------------------------------------------------------------------------- the summary


def test_counts_have_the_number_of_their_word() -> None:
    assert [counted(n, "rule") for n in (0, 1, 2)] == ["0 rules", "1 rule", "2 rules"]
    assert counted(1, "case") == "1 case"


def test_the_role_table_in_singular_and_plural() -> None:
    by_id = {rule.id: rule for rule in contract.rules_for("resolver", "v2")}
    summary = RoleSummary(
        "resolver",
        "v2",
        True,
        {"kind": "callable", "spec": "mine:resolve", "origin": "ini kaizen_resolver"},
        [
            RuleVerdict(by_id["RES-002"], "failed", 0, 1, ["flag-true-file-missing"]),
            RuleVerdict(by_id["RES-001"], "error", 2, 3, ["fleet-5000"]),
            RuleVerdict(by_id["RES-018"], "expected-failure", 0, 1, ["ordered"]),
        ],
    )
    assert role_lines(summary, verbose=False) == [
        "resolver (profile v2): mine:resolve (callable, from ini kaizen_resolver)",
        "  MUST     2 rules: 0 passed, 1 failed, 1 not judged (error)",
        "  SHOULD    1 rule: 0 passed, 0 failed, 1 known failure",
        "  FAILED     RES-002 MUST   0/1 case  Flag true but manifest missing means excluded.",
        "             cases: flag-true-file-missing",
        f"  ERROR      RES-001 MUST   2/3 cases  {by_id['RES-001'].text}",
        "             cases: fleet-5000",
        f"  KNOWN-FAIL RES-018 SHOULD 0/1 case  {by_id['RES-018'].text}",
        "             cases: ordered",
        "  verdict: DOES NOT CONFORM",
    ]


# --------------------------------------------------------------------------- naming a setting


def test_a_setting_is_named_the_way_it_was_given() -> None:
    assert named("--kaizen-hub-seed", "m:f") == "--kaizen-hub-seed=m:f"
    assert named("ini kaizen_hub_seed", "m:f") == "ini kaizen_hub_seed=m:f"
    assert named("--kaizen-reference", "m:f") == "m:f (from --kaizen-reference)"
    assert named("ini kaizen_reference", "m:f") == "m:f (from ini kaizen_reference)"
    settings = Settings(
        targets={"hub": RoleTarget("hub", "app", "m:app", "ini kaizen_hub_app")},
        profiles={},
        timeout=15.0,
        strict=False,
        hub_double="respx",
        rootpath=contract.CONTRACT_DIR,
        options=OptionValues.from_table({"hub_seed": "m:seed", "report": "out.json"}),
        origins={"hub_seed": "ini kaizen_hub_seed", "report": "--kaizen-report"},
    )
    assert settings.named("hub_seed") == "ini kaizen_hub_seed=m:seed"
    assert settings.named("report") == "--kaizen-report=out.json"
    assert settings.origin("timeout") == "--kaizen-timeout"  # left at its default
    assert settings.targets["hub"].named == "ini kaizen_hub_app=m:app"


def test_a_seed_set_in_the_ini_file_is_named_as_such(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        f"[pytest]\nkaizen_hub_app = {REFERENCE_HUB}:app\nkaizen_hub_seed = no_such_seed:seed\n"
    )
    result = pytester.runpytest("--pyargs", "kaizen_conformance", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: ini kaizen_hub_seed=no_such_seed:seed: cannot import module 'no_such_seed'*"]
    )


def test_a_seed_from_the_ini_file_that_raises_is_named_as_such(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(broken_seed="def seed(app, records):\n    raise KeyError('owner')\n")
    pytester.syspathinsert()
    pytester.makeini(
        f"[pytest]\nkaizen_hub_app = {REFERENCE_HUB}:app\nkaizen_hub_seed = broken_seed:seed\n"
    )
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "-p", "no:cacheprovider", "-k", "HUB-001", "-x"
    )
    result.stdout.fnmatch_lines(
        [
            "_* ERROR at setup of HUB-001[[]empty-roster[]] _*",
            "kaizen configuration error (not a verdict on the hub; none of its rules is checked "
            "in this run):",
            "ini kaizen_hub_seed=broken_seed:seed (called seed(app, records) for case "
            "empty-roster) raised KeyError: 'owner'",
            "    Traceback (most recent call last):",
        ],
        consecutive=True,
    )
    result.stdout.no_fnmatch_line(HIDDEN)


def test_a_report_file_from_the_ini_file_is_named_as_such(pytester: pytest.Pytester) -> None:
    pytester.makefile(".txt", blocker="a file, not a directory")
    pytester.makeini("[pytest]\nkaizen_report = blocker.txt/report.json\n")
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        f"--kaizen-init={REFERENCE_TOOLS}:init",
        "-p",
        "no:cacheprovider",
        "-k",
        "INI-002",
        "--kaizen-allow-incomplete",
    )
    result.stdout.fnmatch_lines(
        ["kaizen: JSON report not written: ini kaizen_report=blocker.txt/report.json: *"]
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_the_header_says_where_the_time_limit_came_from(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nkaizen_timeout = 7\n")
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        f"--kaizen-init={REFERENCE_TOOLS}:init",
        "-p",
        "no:cacheprovider",
        "-k",
        "INI-002",
    )
    result.stdout.fnmatch_lines(["kaizen per-call limit: 7 s (ini kaizen_timeout)"])


def test_a_time_limit_from_the_ini_file_is_named_as_such(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nkaizen_timeout = 0.5\n"
        f"kaizen_validate_cmd = {sys.executable} -c 'import time; time.sleep(60)' {{repo}}\n"
    )
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "-p", "no:cacheprovider", "-k", "SCH-001 and minimal"
    )
    result.stdout.fnmatch_lines(
        [
            "case minimal: no verdict within the per-call limit: still running after 0.5 s, the "
            "per-call limit (ini kaizen_timeout): killed with every process it started*"
        ]
    )
    result.stdout.no_fnmatch_line(HIDDEN)


def test_a_stale_known_failure_from_the_ini_file_is_named_as_such(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".yml", known="known_failures:\n  - id: INI-001[empty-checkout]\n    reason: fixed since?\n"
    )
    pytester.makeini(
        f"[pytest]\nkaizen_init = {REFERENCE_TOOLS}:init\nkaizen_expectations = known.yml\n"
    )
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "-p", "no:cacheprovider", "-k", "INI-001"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "kaizen: known failure 'INI-001[[]empty-checkout[]]' did not fail in this run: it is "
            "fixed, remove it from ini kaizen_expectations (fixed since?)"
        ]
    )


def test_the_summary_ends_with_the_report_lines_in_order(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        f"--kaizen-init={REFERENCE_TOOLS}:init",
        "-p",
        "no:cacheprovider",
        "-k",
        "INI-001",
        "--kaizen-report=r.json",
        "--kaizen-report-md=s.md",
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # INCOMPLETE, and the last line says so
    init = contract.catalogue()
    result.stdout.fnmatch_lines(
        [
            "=* kaizen conformance =*",
            f"init (contract v1.2): {REFERENCE_TOOLS}:init (callable, from --kaizen-init)",
            "  MUST     3 rules: 1 passed, 0 failed, 2 not run",
            f"  not run    INI-002 MUST   0/0 cases  {init['INI-002'].text}",
            f"  not run    INI-003 MUST   0/0 cases  {init['INI-003'].text}",
            "  verdict: INCOMPLETE: some MUST rules were not checked (deselected, skipped, not run "
            "or errors)",
            "kaizen: JSON report written to r.json",
            "kaizen: Markdown summary written to s.md",
            "kaizen exit status 1: init INCOMPLETE (MUST rules deselected, skipped or not run); "
            "--kaizen-allow-incomplete accepts it",
            "=* 3 passed, * deselected in * =*",
        ],
        consecutive=True,
    )


# --------------------------------------------------------------------------- failure output

TRUSTING = """
from kaizen_conformance.reference import resolver as ref

def resolve(hub_url, hostname, domain=None):
    # trusts the flag: never reads the checkout
    return [
        {"slug": r["slug"], "local_path": r["host_paths"][hostname]}
        for r in ref.fetch_roster(hub_url, domain, "v2", 5)
        if r.get("kaizen_schedule_enabled") is True and hostname in r.get("host_paths", {})
    ]
"""


def test_an_explained_failure_is_its_explanation_and_the_summary(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(trusting=TRUSTING)
    pytester.syspathinsert()
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "-p",
        "no:cacheprovider",
        "--kaizen-resolver=trusting:resolve",
        "-k",
        "flag-true-file-missing",
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "_* RES-002[[]flag-true-file-missing[]] _*",
            "RES-002 MUST: Flag true but manifest missing means excluded.",
            "case flag-true-file-missing: The headline rule: the hub flag is true but the "
            "checkout has no .kaizen/schedule.yml, so the repo is excluded.",
            "profile v2; expected exactly 'custodian/beta'; got 'custodian/alpha', 'custodian/beta'",
            "  'custodian/alpha' included, but should be excluded: manifest missing — the manifest "
            "is the decision; flag true but manifest missing means excluded (decision table row 7: "
            "RES-002)",
            "=* kaizen conformance =*",
            "resolver (profile v2): trusting:resolve (callable, from --kaizen-resolver)",
            "  MUST    21 rules: 1 passed, 1 failed, 19 not run",
            "  SHOULD   3 rules: 0 passed, 0 failed, 3 not run",
            "  FAILED     RES-002 MUST   0/1 case  Flag true but manifest missing means excluded.",
            "             cases: flag-true-file-missing",
        ],
        consecutive=True,
    )
    result.stdout.no_fnmatch_line(HIDDEN)


def test_an_error_inside_the_kit_shows_its_traceback(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(context: Any) -> None:
        raise RuntimeError("a bug inside the kit")

    def collect(settings: Any) -> list[Check]:
        return [Check("init", ("INI-001",), "kit-bug", broken)]

    # the module the kit will import: an earlier in-process run may have dropped it from sys.modules
    monkeypatch.setattr(
        importlib.import_module("kaizen_conformance.roles.init"), "collect", collect
    )
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        f"--kaizen-init={REFERENCE_TOOLS}:init",
        "-p",
        "no:cacheprovider",
        "-k",
        "kit-bug",
    )
    result.stdout.fnmatch_lines(
        [
            "_* INI-001[[]kit-bug[]] _*",
            "*kaizen_conformance/session/hooks.py:*",
            "*",
            "*def broken(context: Any) -> None:",
            '>*raise RuntimeError("a bug inside the kit")',
            "E*RuntimeError: a bug inside the kit",
        ]
    )
    result.stdout.no_fnmatch_line(HIDDEN)
