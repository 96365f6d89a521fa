"""The plugin as a user meets it: options, usage errors, skips, ids, summary, xdist."""

from __future__ import annotations

import pytest
from kitrun import run_kit


def test_no_role_configured_is_a_usage_error_listing_the_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--pyargs", "kaizen_conformance", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: kaizen-conformance: no role is configured, so nothing would be checked.",
            "*resolver*--kaizen-resolver | --kaizen-resolver-cmd*",
            "*--kaizen-reference*",
        ]
    )


def test_the_plugin_stays_out_of_unrelated_runs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "import sys\n"
        "def test_plain():\n"
        "    assert 'kaizen_conformance.cases' not in sys.modules\n"
        "    assert 'jsonschema' not in sys.modules\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*kaizen conformance*")
    result.stdout.no_fnmatch_line("kaizen resolver*")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            "--kaizen-resolver=no_colon_here",
            "*--kaizen-resolver*'no_colon_here' is not of the form module:attribute*",
        ),
        ("--kaizen-resolver-profile=v3", "*--kaizen-resolver-profile*"),
        ("--kaizen-timeout=soon", "*--kaizen-timeout*'soon' is not a number of seconds*"),
    ],
)
def test_malformed_option_values_fail_at_parse_time(
    pytester: pytest.Pytester, option: str, message: str
) -> None:
    result = pytester.runpytest("--pyargs", "kaizen_conformance", option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_a_module_that_does_not_import_is_a_usage_error_naming_the_option(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "--kaizen-resolver=nowhere_to_be_found:resolve"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --kaizen-resolver=nowhere_to_be_found:resolve: cannot import module 'nowhere_to_be_found'*pip install -e .*"
        ]
    )


def test_a_module_that_runs_its_command_line_on_import_is_a_usage_error_naming_the_option(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        cli_resolver="""
        import argparse
        argparse.ArgumentParser().parse_args(["--not-an-option"])

        def resolve(hub_url, hostname, domain=None):
            return []
        """
    )
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "--kaizen-resolver=cli_resolver:resolve"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --kaizen-resolver=cli_resolver:resolve: importing module 'cli_resolver' raised "
            "SystemExit: 2 (the module ends the program on import*if __name__ == '__main__'*"
        ]
    )
    result.stdout.no_fnmatch_line("*INTERNALERROR*")


def test_a_missing_function_lists_what_the_module_has(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        my_resolver="def discover(hub_url, hostname, domain=None):\n    return []\n"
    )
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "--kaizen-resolver=my_resolver:resolve"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*module 'my_resolver' has no attribute 'resolve'; callables there: discover*"]
    )


def test_two_implementations_for_one_role_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-resolver=kaizen_conformance.reference.resolver:resolve_v2",
        "--kaizen-resolver-cmd=echo []",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--kaizen-resolver and --kaizen-resolver-cmd both configure the resolver role*"]
    )


def test_ini_twin_configures_a_role_and_the_header_says_where_from(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(
        "[pytest]\nkaizen_resolver = kaizen_conformance.reference.resolver:resolve_v1\nkaizen_resolver_profile = v1\n"
    )
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "-p",
        "no:cacheprovider",
        "-k",
        "RES-005",
        "-v",
        "--kaizen-allow-incomplete",
    )
    result.stdout.fnmatch_lines(
        [
            "kaizen resolver: kaizen_conformance.reference.resolver:resolve_v1 (callable, from ini kaizen_resolver), profile v1",
            "*RES-005*",
        ]
    )
    assert result.ret == 0


def test_bad_ini_value_is_a_usage_error_naming_the_ini_key(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nkaizen_resolver_profile = latest\n")
    result = pytester.runpytest("--pyargs", "kaizen_conformance", "--kaizen-reference")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: ini option kaizen_resolver_profile = latest: 'latest' is not a profile; choose v1 or v2"
        ]
    )


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_reference_resolver_passes_every_case(pytester: pytest.Pytester, profile: str) -> None:
    run = run_kit(
        pytester,
        "--kaizen-reference",
        f"--kaizen-resolver-profile={profile}",
        "-k",
        "test_resolver",
    )
    resolver_items = [i for i in run.items if i.properties.get("kaizen_role") == "resolver"]
    assert len(resolver_items) > 100
    assert {i.outcome for i in resolver_items} == {"passed"}, [
        i for i in resolver_items if i.outcome != "passed"
    ][:3]
    run.result.stdout.fnmatch_lines([f"resolver (profile {profile}): *", "  verdict: CONFORMS"])


def test_rule_ids_show_in_test_ids_and_junit_properties(pytester: pytest.Pytester) -> None:
    run = run_kit(pytester, "--kaizen-reference", "-k", "flag-true-file-missing", "-v")
    run.result.stdout.fnmatch_lines(
        ["*test_resolver.py::RES-002[[]flag-true-file-missing[]] PASSED*"]
    )
    (item,) = [i for i in run.items if i.name == "RES-002[flag-true-file-missing]"]
    assert item.properties == {
        "kaizen_role": "resolver",
        "kaizen_rules": "RES-002",
        "kaizen_level": "MUST",
        "kaizen_case": "flag-true-file-missing",
    }


def test_an_unconfigured_role_is_skipped_and_never_reads_as_passed(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        stub="def prepare(repo, agent):\n    raise RuntimeError('only here to configure a role')\n"
    )
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "-p",
        "no:cacheprovider",
        "-rs",
        "--kaizen-prepare=stub:prepare",
        "-k",
        "test_resolver",
    )
    result.stdout.fnmatch_lines(
        [
            "resolver (profile v2): not configured",
            "  MUST    21 rules: 0 passed, 0 failed, 21 skipped",
            "*verdict: NOT CONFIGURED*",
            "SKIPPED [[]*[]] *suite/test_resolver.py: resolver role not configured (not a pass): "
            "give --kaizen-resolver or --kaizen-resolver-cmd, or --kaizen-reference",
        ]
    )


BROKEN = """
import httpx

def resolve(hub_url, hostname, domain=None):
    response = httpx.get(hub_url + "/repos/", params={"kaizen_schedule_enabled": "true"}, timeout=5)
    response.raise_for_status()
    # trusts the flag: never reads the checkout
    return [{"slug": r["slug"], "local_path": r["host_paths"].get(hostname)} for r in response.json()
            if isinstance(r, dict) and r.get("kaizen_schedule_enabled") is True
            and isinstance(r.get("host_paths"), dict) and hostname in r["host_paths"]]
"""


def test_a_failure_names_the_rule_the_case_and_what_went_wrong(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(trusting=BROKEN)
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
            "*RES-002 MUST: Flag true but manifest missing means excluded.",
            "case flag-true-file-missing: The headline rule:*",
            "*'custodian/alpha' included, but should be excluded: manifest missing*",
            "  FAILED     RES-002 MUST   0/1 case  Flag true but manifest missing means excluded.",
            "             cases: flag-true-file-missing",
            "  verdict: DOES NOT CONFORM",
        ]
    )
    result.stdout.no_fnmatch_line("*kaizen_conformance/roles/*")  # no traceback from inside the kit


def test_should_rules_report_without_failing_unless_strict(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        unordered="from kaizen_conformance.reference.resolver import resolve_v2\n"
        "def resolve(hub_url, hostname, domain=None):\n"
        "    return list(reversed(resolve_v2(hub_url, hostname, domain)))\n"
    )
    pytester.syspathinsert()
    args = (
        "--pyargs",
        "kaizen_conformance",
        "-p",
        "no:cacheprovider",
        "--kaizen-resolver=unordered:resolve",
    )
    lenient = pytester.runpytest(*args)
    assert lenient.parseoutcomes()["xfailed"] == 1
    assert lenient.ret == pytest.ExitCode.OK
    lenient.stdout.fnmatch_lines(
        ["  NOT-MET    RES-018 SHOULD 0/1 case  Identical inputs*", "  verdict: CONFORMS"]
    )
    strict = pytester.runpytest(*args, "--kaizen-strict", "-k", "RES-018")
    strict.assert_outcomes(failed=1)


def test_a_hanging_resolver_fails_within_the_limit_and_the_run_goes_on(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        hanging="import threading\nfrom kaizen_conformance.reference.resolver import resolve_v2\n"
        "def resolve(hub_url, hostname, domain=None):\n"
        "    if 'alpha' in str(resolve_v2(hub_url, hostname, domain)):\n"
        "        threading.Event().wait(30)\n"
        "    return resolve_v2(hub_url, hostname, domain)\n"
    )
    pytester.syspathinsert()
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "-p",
        "no:cacheprovider",
        "--kaizen-resolver=hanging:resolve",
        "--kaizen-timeout=2",  # the passing cases must finish within it on a loaded machine too
        "-k",
        "flag-true-file-valid or flag-true-file-missing",
    )
    result.stdout.fnmatch_lines(
        ["*did not return within the per-call limit of 2 s (--kaizen-timeout)*"]
    )
    result.assert_outcomes(passed=3, failed=1)


def test_the_suite_runs_under_xdist_with_the_same_outcomes(pytester: pytest.Pytester) -> None:
    serial = run_kit(pytester, "--kaizen-reference", "-k", "test_resolver")
    parallel = run_kit(pytester, "--kaizen-reference", "-k", "test_resolver", "-n", "2")
    assert parallel.outcomes() == serial.outcomes()
    parallel.result.stdout.fnmatch_lines(["*= kaizen conformance =*", "  verdict: CONFORMS"])


URLLIB_RESOLVER = """
import json, urllib.request

def resolve(hub_url, hostname, domain=None):
    with urllib.request.urlopen(hub_url + "/repos/?kaizen_schedule_enabled=true", timeout=5) as response:
        records = json.load(response)
    return [{"slug": r["slug"], "local_path": r["host_paths"][hostname]} for r in records]
"""


def test_a_client_respx_cannot_see_is_named_with_the_fix(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(urllib_resolver=URLLIB_RESOLVER)
    pytester.syspathinsert()
    result = pytester.runpytest(
        "--pyargs",
        "kaizen_conformance",
        "-p",
        "no:cacheprovider",
        "--kaizen-resolver=urllib_resolver:resolve",
        "-k",
        "RES-002 and flag-true-file-missing",
    )
    result.stdout.fnmatch_lines(
        [
            "*the resolver never reached the hub double: its HTTP client is not httpx*--kaizen-hub-double=server*"
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_lone_brace_in_a_command_is_a_usage_error_with_the_fix(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "--kaizen-resolver-cmd=jq '{a' {hub_url}"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --kaizen-resolver-cmd=*expected '}' before end of string in '{a'; write {{ and }} for literal braces"
        ]
    )
