"""The validate role as a user meets it: the corpus case for case, the messages, the boundaries."""

from __future__ import annotations

import shlex
import sys
import time

import pytest
from kitrun import command_option, run_kit

from kaizen_conformance import contract
from kaizen_conformance.adapters.manifest_tools import ToolRun
from kaizen_conformance.cases.corpus import manifest_corpus
from kaizen_conformance.roles import validate as role

REFERENCE = "--kaizen-validate=kaizen_conformance.reference.manifest_tools:validate"
PYTHON = shlex.quote(sys.executable)


# --------------------------------------------------------------------------- the reference conforms


def test_the_reference_callable_conforms_on_every_corpus_case(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(kit_pytester, REFERENCE)
    items = run.role_items("validate")
    assert len(items) == 3 * len(manifest_corpus())
    assert {item.outcome for item in items} == {"passed"}, [
        i.name for i in items if i.outcome != "passed"
    ]
    run.result.stdout.fnmatch_lines(
        [
            "validate (contract v1.2): kaizen_conformance.reference.manifest_tools:validate (callable, from --kaizen-validate)",
            "  MUST     8 rules: 8 passed, 0 failed",
            "  SHOULD   2 rules: 2 passed, 0 failed",
            "  verdict: CONFORMS",
        ],
        consecutive=True,
    )


def test_the_reference_command_conforms_on_every_corpus_case(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        command_option("validate", "kaizen_conformance.reference.manifest_tools validate"),
    )
    items = run.role_items("validate")
    assert len(items) == 3 * len(manifest_corpus())
    assert {item.outcome for item in items} == {"passed"}, [
        (i.name, i.message[:300]) for i in items if i.outcome != "passed"
    ]


def test_reference_switch_configures_validate(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(kit_pytester, "--kaizen-reference", "-k", "VAL-002 and minimal")
    assert [(i.name, i.outcome) for i in run.role_items("validate")] == [
        ("VAL-002[minimal]", "passed")
    ]


def test_an_unconfigured_validate_role_is_skipped_and_never_passes(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester, "--kaizen-init=kaizen_conformance.reference.manifest_tools:init", "-rs"
    )
    items = run.role_items("validate")
    assert items and {item.outcome for item in items} == {"skipped"}
    run.result.stdout.fnmatch_lines(
        [
            "validate (contract v1.2): not configured",
            "*validate role not configured (not a pass): give --kaizen-validate or --kaizen-validate-cmd, or --kaizen-reference*",
        ]
    )


# --------------------------------------------------------------------------- how items are made


def test_corpus_items_carry_the_sch_rules_plus_val_001_like_the_resolver() -> None:
    checks = {(check.name, check.rules) for check in role.collect(None)}  # type: ignore[arg-type]
    assert ("SCH-003[python-object-apply]", ("SCH-003", "VAL-001")) in checks
    assert ("SCH-004[billion-laughs]", ("SCH-004", "VAL-001")) in checks
    assert ("SCH-006[schedule-symlink-outside]", ("SCH-006", "VAL-001")) in checks
    assert ("SCH-001[minimal]", ("SCH-001", "VAL-001")) in checks
    assert ("VAL-002[minimal]", ("VAL-002",)) in checks
    assert ("VAL-003[ten-mib]", ("VAL-003",)) in checks
    # a SHOULD-only case stays a SHOULD item: a miss there never fails VAL-001
    assert ("SCH-005[duplicate-keys]", ("SCH-005",)) in checks


def test_every_val_rule_has_items() -> None:
    rules = {rule for check in role.collect(None) for rule in check.rules}  # type: ignore[arg-type]
    assert {r.id for r in contract.rules_for("validate")} <= rules


# --------------------------------------------------------------------------- VAL-001 verdicts


def test_a_wrong_verdict_names_the_case_and_what_the_corpus_says(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-validate=mutants.validate.accepts_version_true:validate",
        "-k",
        "version-true",
    )
    assert run.role_outcomes("validate")["SCH-001[version-true]"] == "failed"
    run.result.stdout.fnmatch_lines(
        [
            "SCH-001 MUST: A manifest is valid iff its bytes are valid UTF-8*",
            "VAL-001 MUST: validate on a checkout accepts exactly the manifests that SCH calls valid*",
            "case version-true: accepted an invalid manifest: version: true is not the integer 1*",
            "validate (contract v1.2): mutants.validate.accepts_version_true:validate*",
            "  verdict: DOES NOT CONFORM",
        ]
    )


def test_returning_false_is_acceptance_and_the_message_says_so(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-validate=mutants.validate.returns_false:validate",
        "-k",
        "SCH-001 and version-2",
    )
    assert run.failed_rules() == {"SCH-001", "VAL-001"}
    run.result.stdout.fnmatch_lines(
        [
            "*it returned False: the callable's contract is to raise on invalid (returning means valid)*"
        ]
    )


def test_code_in_a_hostile_manifest_that_ran_is_reported_with_the_marker(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-validate=mutants.validate.unsafe_yaml_load:validate",
        "-k",
        "python-object-apply",
    )
    assert run.role_outcomes("validate")["SCH-003[python-object-apply]"] == "failed"
    run.result.stdout.fnmatch_lines(
        ["*code in the manifest was executed: it created */marker-code-was-executed*"]
    )


def test_a_hanging_validator_fails_its_case_within_the_limit_and_the_run_goes_on(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(
        hangs="import time\n"
        "from kaizen_conformance.reference.manifest_tools import validate as ref\n"
        "def validate(repo):\n"
        "    if 'version-true' in repo:\n"
        "        time.sleep(3600)\n"
        "    ref(repo)\n"
    )
    started = time.perf_counter()
    run = run_kit(
        kit_pytester,
        "--kaizen-validate=hangs:validate",
        "--kaizen-timeout=1",
        "-k",
        "version-true or minimal",
    )
    assert time.perf_counter() - started < 15
    seen = run.role_outcomes("validate")
    assert seen["SCH-001[version-true]"] == "failed"
    assert seen["VAL-002[version-true]"] == "failed"
    assert seen["SCH-001[minimal]"] == "passed"
    run.result.stdout.fnmatch_lines(
        [
            "case version-true: no verdict within the per-call limit: still running after 1 s, the per-call limit "
            "(--kaizen-timeout); the call was stopped",
        ]
    )


def test_a_hanging_command_is_killed_at_the_limit(kit_pytester: pytest.Pytester) -> None:
    hang = f"--kaizen-validate-cmd={PYTHON} -c 'import time; time.sleep(60)' {{repo}}"
    started = time.perf_counter()
    run = run_kit(kit_pytester, hang, "--kaizen-timeout=1", "-k", "SCH-001 and minimal")
    assert time.perf_counter() - started < 15
    assert run.role_outcomes("validate") == {"SCH-001[minimal]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "case minimal: no verdict within the per-call limit: still running after 1 s, the per-call limit "
            "(--kaizen-timeout): killed with every process it started*"
        ]
    )


def test_a_command_killed_by_a_signal_gave_no_verdict(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        command_option("validate", "mutants.validate.cmd_segfaults_on_invalid"),
        "-k",
        "version-true",
    )
    assert run.role_outcomes("validate")["SCH-001[version-true]"] == "failed"
    run.result.stdout.fnmatch_lines(["case version-true: no verdict: killed by signal 11 after *"])


def test_a_command_that_cannot_start_is_one_configuration_error(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-validate-cmd=/nonexistent/kaizen-agentic schedule validate {repo}",
        "-k",
        "minimal",
    )
    # VAL-003 too: a tool that never ran proves nothing, so no rule passes (and none fails)
    outcomes = sorted(run.role_outcomes("validate").values())
    assert outcomes == ["error"] + ["skipped"] * (len(outcomes) - 1)
    run.result.stdout.fnmatch_lines(
        [
            "the validate command cannot start: its program '/nonexistent/kaizen-agentic' is not there "
            "or cannot run (no such file; looked up from *), so no validate rule can be checked. Fix "
            "--kaizen-validate-cmd=/nonexistent/kaizen-agentic schedule validate {repo}: *",
        ]
    )
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED


@pytest.mark.parametrize(
    ("role", "subcommand"), [("validate", "validate"), ("list", "list --json")]
)
def test_a_command_finds_the_programs_of_the_venv_the_kit_runs_in(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, role: str, subcommand: str
) -> None:
    # `.venv/bin/pytest ...` with the venv not activated: `python` (and a team's console script
    # installed beside the kit) is found in the venv's scripts directory first, for every role
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    run = run_kit(
        kit_pytester,
        f"--kaizen-{role}-cmd=python -m kaizen_conformance.reference.manifest_tools {subcommand} {{repo}}",
        "-k",
        "minimal or agents-in-file-order",
    )
    outcomes = run.role_outcomes(role)
    assert "passed" in outcomes.values(), run.result.stdout.str()[-3000:]
    assert set(outcomes.values()) <= {"passed", "skipped"}, run.result.stdout.str()[-3000:]


def test_an_async_validator_is_awaited(kit_pytester: pytest.Pytester) -> None:
    kit_pytester.makepyfile(
        asyncvalidator="from kaizen_conformance.reference.manifest_tools import validate as ref\n"
        "async def validate(repo):\n"
        "    ref(repo)\n"
    )
    run = run_kit(
        kit_pytester, "--kaizen-validate=asyncvalidator:validate", "-k", "minimal or version-true"
    )
    assert set(run.role_outcomes("validate").values()) == {"passed"}


def test_a_should_miss_is_reported_not_failed_unless_strict(kit_pytester: pytest.Pytester) -> None:
    option = "--kaizen-validate=mutants.validate.plain_safe_load:validate"
    run = run_kit(kit_pytester, option, "-k", "duplicate-keys", "--kaizen-allow-incomplete")
    assert run.role_outcomes("validate")["SCH-005[duplicate-keys]"] == "xfailed"
    assert run.result.ret == 0
    strict = run_kit(kit_pytester, option, "-k", "duplicate-keys", "--kaizen-strict")
    assert strict.outcomes()["SCH-005[duplicate-keys]"] == "failed"


# --------------------------------------------------------------------------- VAL-002 messages


@pytest.mark.parametrize(
    ("option", "line"),
    [
        (
            "--kaizen-validate=mutants.validate.raises_bare_invalid:validate",
            "case version-true: the rejection does not name the file: its exception 'invalid' never mentions schedule.yml",
        ),
        (
            "--kaizen-validate=mutants.validate.names_file_only:validate",
            "case version-true: the rejection names schedule.yml but not what is wrong with it: *",
        ),
        (
            command_option("validate", "mutants.validate.cmd_bare_invalid"),
            "case version-true: the rejection does not name the file: stderr 'invalid\\n' never mentions schedule.yml",
        ),
        (
            command_option("validate", "mutants.validate.cmd_reason_on_stdout"),
            "case version-true: the reason went to stdout; the contract wants it on stderr*",
        ),
        (
            command_option("validate", "mutants.validate.cmd_floods_stderr"),
            "case version-true: wrote * characters on stderr: a verdict is a message, not a flood",
        ),
    ],
)
def test_rejection_messages_are_held_to_val_002(
    kit_pytester: pytest.Pytester, option: str, line: str
) -> None:
    run = run_kit(kit_pytester, option, "-k", "VAL-002 and version-true")
    assert run.role_outcomes("validate") == {"VAL-002[version-true]": "failed"}
    run.result.stdout.fnmatch_lines([line])


def test_a_flood_is_quoted_in_a_bounded_message(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        command_option("validate", "mutants.validate.cmd_floods_stderr"),
        "-k",
        "VAL-002 and version-true",
    )
    assert len(run.result.stdout.str()) < 20_000
    run.result.stdout.fnmatch_lines(
        ["stderr starts *schedule validate: *debug 0000* ... (5* characters in all)"]
    )


def test_a_traceback_is_a_crash_even_when_its_code_lines_mention_the_file(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        command_option("validate", "mutants.validate.cmd_crashes_on_invalid"),
        "-k",
        "VAL-002 and agent-entry-scalar",
    )
    assert run.role_outcomes("validate") == {"VAL-002[agent-entry-scalar]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "case agent-entry-scalar: the rejection on stderr is a Python traceback ending *TypeError: string indices*: "
            "the validator crashed instead of saying what is wrong with schedule.yml"
        ]
    )


def test_an_acceptance_that_prints_on_stderr_fails_val_002(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-validate=mutants.validate.noisy_acceptance:validate",
        "-k",
        "VAL-002 and minimal",
    )
    assert run.role_outcomes("validate") == {"VAL-002[minimal]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "case minimal: accepted the manifest but wrote on stderr: 'schedule.yml looks good!\\n'; "
            "an acceptance prints nothing on stderr"
        ]
    )


def tool_run(message: str, via: str = "callable", stdout: str = "") -> ToolRun:
    return ToolRun(
        via,
        "failed",
        message=message,
        stderr=message,
        stderr_size=len(message),
        stdout=stdout,
        stdout_size=len(stdout),
    )


@pytest.mark.parametrize(
    "message",
    [
        "/srv/repo/.kaizen/schedule.yml: agents/0/name: 'Coach' does not match '^[a-z][a-z0-9-]{0,62}$'",
        "schedule.yml: version must be the integer 1",
        "error: .kaizen/schedule.yml not found",
        "kaizen-agentic: /srv/x/.kaizen/schedule.yml:3: duplicate key 'version'",
    ],
)
def test_messages_that_name_the_file_and_a_reason_pass(message: str) -> None:
    assert role.message_problem(tool_run(message)) is None


def test_a_traceback_whose_last_line_names_the_file_and_the_reason_is_a_message() -> None:
    stderr = (
        'Traceback (most recent call last):\n  File "cli.py", line 9, in <module>\n    validate(repo)\n'
        "kaizen_agentic.ScheduleInvalid: /srv/x/.kaizen/schedule.yml: agents: [] should be non-empty\n"
    )
    assert role.message_problem(tool_run(stderr, via="command")) is None


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("invalid", "does not name the file"),
        ("manifest invalid: version must be 1", "does not name the file"),
        ("/srv/repo/.kaizen/schedule.yml: invalid", "not what is wrong"),
        ("schedule validate: schedule.yml is not valid", "not what is wrong"),
        (
            'Traceback (most recent call last):\n  File "v.py", line 3, in <module>\n    open("schedule.yml")\n'
            "KeyError: 'agents'",
            "Python traceback ending \"KeyError: 'agents'\"",
        ),
    ],
)
def test_messages_that_do_not_pass(message: str, problem: str) -> None:
    found = role.message_problem(tool_run(message, via="command"))
    assert found is not None and problem in found


# --------------------------------------------------------------------------- VAL-003 boundaries


def test_a_validator_that_writes_into_the_checkout_fails_val_003(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-validate=mutants.validate.writes_cache_file:validate",
        "-k",
        "VAL-003 and minimal",
    )
    assert run.role_outcomes("validate") == {"VAL-003[minimal]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "case minimal: changed files while validating:",
            "  added    repos/subject/.kaizen/.validated",
        ]
    )


def test_network_use_in_process_is_refused_and_reported(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester, "--kaizen-validate=mutants.validate.phones_home:validate", "-k", "minimal"
    )
    seen = run.role_outcomes("validate")
    assert seen["VAL-003[minimal]"] == "failed"
    assert seen["SCH-001[minimal]"] == "passed"  # the refusal did not stop the validator
    run.result.stdout.fnmatch_lines(
        [
            "case minimal: tried to use the network (Python audit hook (socket connect, DNS, bind*): socket.getaddrinfo('127.0.0.1', 9*"
        ]
    )


def test_network_use_by_a_command_is_refused_and_reported(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        command_option("validate", "mutants.validate.cmd_phones_home"),
        "-k",
        "VAL-003 and minimal",
    )
    assert run.role_outcomes("validate") == {"VAL-003[minimal]": "failed"}
    run.result.stdout.fnmatch_lines(
        ["case minimal: tried to use the network (*): socket.getaddrinfo*telemetry.kaizen.invalid*"]
    )


# --------------------------------------------------------------------------- VAL-004 in any language

GERMAN = """\
from kaizen_conformance.cases.corpus import manifest_corpus
from kaizen_conformance.reference import manifest_tools

NAMED = {
    (entry.source.parent / entry.file).read_bytes(): entry.construct[0]
    for entry in manifest_corpus()
    if entry.parser_dependent and entry.file
}


def validate(repo):
    try:
        manifest_tools.validate(repo)
    except manifest_tools.ScheduleInvalid as exc:
        # the construct named, the rest in German: no English word for the parser
        with open(repo + "/.kaizen/schedule.yml", "rb") as manifest:
            named = NAMED.get(manifest.read(), "")
        first = str(exc).split(": ")[0]
        raise manifest_tools.ScheduleInvalid(f"{first}: mehrdeutig je nach YAML-Leser: {named}") from None
"""


def test_val_004_takes_a_message_that_names_the_construct_in_any_language(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(german=GERMAN)
    kit_pytester.syspathinsert()
    run = run_kit(
        kit_pytester, "--kaizen-validate=german:validate", "--kaizen-strict", "-k", "VAL-004"
    )
    outcomes = run.role_outcomes("validate")
    assert len(outcomes) == sum(e.parser_dependent for e in manifest_corpus())
    assert set(outcomes.values()) == {"passed"}, run.result.stdout.str()[-3000:]


def test_every_parser_dependent_entry_names_its_construct() -> None:
    # what VAL-004 accepts in any language: texts that name the construct
    for entry in manifest_corpus():
        if entry.parser_dependent:
            assert entry.construct, entry.id
