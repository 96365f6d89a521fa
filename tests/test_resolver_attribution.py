"""Every resolver failure names the rule it breaks, and only that rule.

A case's rules are one item each (``RES-004[mixed-fleet]``), all judging the case's one run.
Each wrong item of the output is charged to the rules of the decision-table row that decides
its record, so a resolver that gets one cell of ``mixed-fleet`` wrong fails that cell's rule
there and passes the case's five others. These resolvers are the reference with one thing
wrong: a repo it adds, drops or lists twice.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from kitrun import KitRun, run_kit

from kaizen_conformance import contract
from kaizen_conformance.cases.resolver import all_cases

# The reference's answer with one thing wrong: add (slug -> local_path), drop, or list twice.
ONE_THING_WRONG = """\
import json, os
from kaizen_conformance.reference.resolver import resolve_v2

WRONG = json.loads(os.environ["ATTRIBUTION_WRONG"])


def resolve(hub_url, hostname, domain=None):
    repos = [r for r in resolve_v2(hub_url, hostname, domain) if r["slug"] not in WRONG["drop"]]
    repos += [{"slug": s, "local_path": p} for s, p in WRONG["add"].items()]
    repos += [dict(r) for r in repos if r["slug"] in WRONG["twice"]]
    return sorted(repos, key=lambda r: r["slug"])
"""

MIXED_FLEET = ("RES-001", "RES-002", "RES-003", "RES-004", "RES-007", "RES-008")

# (case, what is wrong, the rules that must fail there; every other rule of the case passes)
MISTAKES: list[tuple[str, dict[str, Any], set[str]]] = [
    # the hub's flag filter trusted: RES-004 (RES-010 is not a rule of mixed-fleet)
    ("mixed-fleet", {"add": {"custodian/off": "/x"}}, {"RES-004"}),
    ("mixed-fleet", {"add": {"custodian/missing": "/x"}}, {"RES-002"}),
    ("mixed-fleet", {"add": {"custodian/broken": "/x"}}, {"RES-003"}),
    ("mixed-fleet", {"add": {"custodian/other-host": "/x"}}, {"RES-007"}),
    ("mixed-fleet", {"add": {"custodian/gone": "/x"}}, {"RES-008"}),
    ("mixed-fleet", {"drop": ["custodian/on"]}, {"RES-001"}),
    # decided by row 11 (RES-001, RES-006): the case lists RES-001 only
    ("mixed-fleet", {"drop": ["custodian/legacy"]}, {"RES-001"}),
    # RES-014 is not a rule of mixed-fleet: a slug listed twice counts against RES-001
    ("mixed-fleet", {"twice": ["custodian/on"]}, {"RES-001"}),
    ("mixed-fleet", {"add": {"custodian/invented": "/x"}}, {"RES-001"}),
    (
        "mixed-fleet",
        {"add": {"custodian/off": "/x", "custodian/broken": "/x"}},
        {"RES-003", "RES-004"},
    ),
    ("flag-false-file-valid", {"add": {"custodian/alpha": "/x"}}, {"RES-004"}),
    ("hub-ignores-flag-filter", {"add": {"custodian/beta": "/x"}}, {"RES-010"}),
    ("hub-ignores-flag-filter", {"drop": ["custodian/alpha"]}, {"RES-001"}),
    ("host-path-not-a-string", {"add": {"custodian/alpha": "42"}}, {"RES-008"}),
    # no RES-001 in the case: a repo the table includes, missing, fails every rule of it
    ("host-path-not-a-string", {"drop": ["custodian/beta"]}, {"RES-008", "RES-013"}),
    ("no-flag-field-file-valid", {"drop": ["custodian/alpha"]}, {"RES-006"}),
]


def run_wrong(pytester: pytest.Pytester, case: str, wrong: dict[str, Any]) -> KitRun:
    pytester.makepyfile(one_thing_wrong=ONE_THING_WRONG)
    pytester.syspathinsert()
    spec = {"add": {}, "drop": [], "twice": [], **wrong}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ATTRIBUTION_WRONG", json.dumps(spec))
        return run_kit(pytester, "--kaizen-resolver=one_thing_wrong:resolve", "-k", case)


def outcome_items(run: KitRun, case: str) -> dict[str, str]:
    """rule -> outcome of the case's items, the boundary check (RES-015) aside."""
    return {
        item.rules[0]: item.outcome
        for item in run.role_items("resolver")
        if item.properties.get("kaizen_case") == case and item.rules != ["RES-015"]
    }


@pytest.mark.parametrize(
    ("case", "wrong", "fails"),
    MISTAKES,
    ids=[f"{case}-{'-'.join(sorted(wrong))}-{n}" for n, (case, wrong, _) in enumerate(MISTAKES)],
)
def test_one_wrong_item_fails_only_the_rules_it_breaks(
    pytester: pytest.Pytester, case: str, wrong: dict[str, Any], fails: set[str]
) -> None:
    run = run_wrong(pytester, case, wrong)
    outcomes = outcome_items(run, case)
    assert outcomes, run.result.stdout.str()[-3000:]
    failed = {rule for rule, outcome in outcomes.items() if outcome == "failed"}
    assert failed == fails, (outcomes, run.result.stdout.str()[-3000:])
    assert set(outcomes.values()) <= {"passed", "failed"}, outcomes
    for item in run.role_items("resolver"):
        if item.outcome == "failed":
            assert item.kind == "wrong-answer", (item.name, item.kind)


def test_the_failure_says_which_row_and_why(pytester: pytest.Pytester) -> None:
    run = run_wrong(pytester, "mixed-fleet", {"add": {"custodian/off": "/x"}})
    (item,) = [i for i in run.role_items("resolver") if i.outcome == "failed"]
    assert item.name == "RES-004[mixed-fleet]"
    assert (
        "'custodian/off' included, but should be excluded: flag false — the flag is a pre-filter; "
        "false excludes even with a valid manifest, whatever the hub's filter did "
        "(decision table row 5: RES-004, RES-010)"
    ) in item.message, item.message


def test_the_failure_says_which_other_rules_the_run_fails(pytester: pytest.Pytester) -> None:
    run = run_wrong(
        pytester, "mixed-fleet", {"add": {"custodian/off": "/x", "custodian/broken": "/x"}}
    )
    failed = {i.name: i.message for i in run.role_items("resolver") if i.outcome == "failed"}
    assert "'custodian/broken' included" not in failed["RES-004[mixed-fleet]"]
    assert "the same run also fails RES-003 of this case" in failed["RES-004[mixed-fleet]"]
    assert "the same run also fails RES-004 of this case" in failed["RES-003[mixed-fleet]"]


def test_an_empty_slug_is_quoted(pytester: pytest.Pytester) -> None:
    run = run_wrong(pytester, "malformed-records-skipped", {"add": {"": "/x"}})
    (item,) = [i for i in run.role_items("resolver") if i.outcome == "failed"]
    assert item.name == "RES-013[malformed-records-skipped]"
    assert "got '', 'custodian/beta'" in item.message, item.message
    assert "'' included, but should be skipped: record malformed" in item.message, item.message


def test_a_slug_listed_twice_fails_res_014(pytester: pytest.Pytester) -> None:
    run = run_wrong(pytester, "duplicate-slug", {"twice": ["custodian/alpha"]})
    (item,) = [i for i in run.role_items("resolver") if i.outcome == "failed"]
    assert item.name == "RES-014[duplicate-slug]"
    assert "listed more than once: 'custodian/alpha'" in item.message, item.message


def test_a_run_with_nothing_to_judge_fails_every_rule_of_the_case(
    pytester: pytest.Pytester,
) -> None:
    """A crash is no wrong answer about any one repo: every outcome rule fails, as a crash."""
    pytester.makepyfile(
        crashing="def resolve(hub_url, hostname, domain=None):\n"
        "    import httpx\n"
        "    httpx.get(hub_url.rstrip('/') + '/repos/', timeout=2)\n"
        "    raise RuntimeError('out of patience')\n"
    )
    pytester.syspathinsert()
    run = run_kit(pytester, "--kaizen-resolver=crashing:resolve", "-k", "mixed-fleet")
    outcomes = outcome_items(run, "mixed-fleet")
    assert outcomes == dict.fromkeys(MIXED_FLEET, "failed"), outcomes
    kinds = {i.kind for i in run.role_items("resolver") if i.rules != ["RES-015"]}
    assert kinds == {"crashed"}, kinds


def test_k_rule_selects_every_case_of_the_rule(pytester: pytest.Pytester) -> None:
    """``-k RES-002`` selects one item per case whose rules include RES-002 (v2, the default)."""
    catalogue = contract.catalogue()
    for rule in ("RES-002", "RES-001"):
        expected = {
            f"{rule}[{case.id}]"
            for case in all_cases()
            if rule in case.rules and "v2" in case.profiles and "v2" in catalogue[rule].profiles
        }
        run = run_kit(pytester, "--kaizen-reference", "-k", rule)
        selected = {i.name for i in run.role_items("resolver")}
        assert selected == expected, (rule, sorted(selected ^ expected))
        assert len(expected) >= 3 if rule == "RES-002" else len(expected) > 10
        assert all(i.outcome == "passed" for i in run.role_items("resolver"))


def test_the_summary_fails_only_the_rules_the_lines_charge_and_names_the_empty_domain(
    kit_pytester: pytest.Pytester,
) -> None:
    # reads the empty {domain} argument as a domain named "": every case without a domain that
    # expects a repo answers none; the cases with a domain are right
    run = run_kit(
        kit_pytester,
        "--kaizen-resolver-cmd=python -m mutants.resolver.empty_domain_is_a_domain "
        "{hub_url} {hostname} {domain}",
        "-k",
        "test_resolver and (flag-true-file-missing or flag-true-file-valid or "
        "no-host-path-for-host or ordinary-alias or domain-filter)",
    )
    out = run.result.stdout.str()
    # RES-002[flag-true-file-missing] fails (no case passes wrong), but its line names RES-001
    assert run.role_outcomes("resolver")["RES-002[flag-true-file-missing]"] == "failed"
    run.result.stdout.fnmatch_lines(
        [
            "*'custodian/beta' missing, but should be included: *(decision table row 12: RES-001)",
            "(charged to RES-001, which the lines above name; this case checks RES-002)",
        ]
    )
    failed = set(re.findall(r"^  FAILED +(\S+)", out, re.MULTILINE))
    # SCH-004's line names it: the case's manifest was judged wrong, as far as the output tells
    assert failed == {"RES-001", "SCH-004"}, out[-4000:]
    run.result.stdout.fnmatch_lines(
        ["*(decision table row 12: RES-001; and this case's manifest: SCH-004)"]
    )
    run.result.stdout.fnmatch_lines(
        [
            "  hint: every case without a domain that expects a repo failed (4), and every case "
            "with a domain passed (3): check how the resolver reads an empty {domain} *"
        ]
    )


def test_no_empty_domain_hint_where_cases_with_a_domain_fail_too(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        nothing="def resolve(hub_url, hostname, domain=None):\n"
        "    from kaizen_conformance.reference.resolver import fetch_roster\n"
        "    fetch_roster(hub_url, domain, 'v2', 2)\n"
        "    return []\n"
    )
    pytester.syspathinsert()
    run = run_kit(
        pytester,
        "--kaizen-resolver=nothing:resolve",
        "-k",
        "test_resolver and (flag-true-file-valid or mixed-fleet or domain-filter)",
    )
    assert "hint:" not in run.result.stdout.str()


EMPTY_DOMAIN_CMD = (
    "--kaizen-resolver-cmd=python -m mutants.resolver.empty_domain_is_a_domain "
    "{hub_url} {hostname} {domain}"
)


def test_a_known_failure_listed_by_the_rule_a_failure_is_charged_to_covers_it(
    kit_pytester: pytest.Pytester,
) -> None:
    """A team lists the rule its summary fails (RES-001); the failing check is RES-002's, whose
    line was charged to RES-001: it is that known failure, and the entry is not stale."""
    kit_pytester.makefile(
        ".yml",
        known="known_failures:\n  - id: RES-001\n    reason: reads an empty domain as ''\n",
    )
    run = run_kit(
        kit_pytester,
        EMPTY_DOMAIN_CMD,
        "--kaizen-expectations=known.yml",
        "-k",
        "test_resolver and flag-true-file-missing",
    )
    outcomes = run.role_outcomes("resolver")
    assert outcomes["RES-002[flag-true-file-missing]"] == "xfailed", outcomes
    assert "failed" not in outcomes.values(), outcomes
    assert "stale" not in run.result.stdout.str().lower()
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()[-3000:]


def test_rerun_failed_reruns_a_check_whose_failure_was_charged_to_another_rule(
    kit_pytester: pytest.Pytester,
) -> None:
    selection = ("-k", "test_resolver and (flag-true-file-missing or flag-true-file-valid)")
    first = run_kit(kit_pytester, EMPTY_DOMAIN_CMD, "--kaizen-report=first.json", *selection)
    report = json.loads((kit_pytester.path / "first.json").read_text())
    charged = [c for c in report["checks"] if c.get("charged_rules")]
    assert charged and all(c["rules"] != c["charged_rules"] for c in charged), charged
    failing = {i.name for i in first.role_items("resolver") if i.outcome == "failed"}
    rerun = run_kit(kit_pytester, EMPTY_DOMAIN_CMD, "--kaizen-rerun-failed=first.json", *selection)
    assert failing <= {i.name for i in rerun.role_items("resolver")}, failing
