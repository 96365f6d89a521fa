"""The list role as a user meets it: every case, the adapters, the agreement, the unconfigured role."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from kitrun import command_option, run_kit

from kaizen_conformance import contract
from kaizen_conformance.cases import listing as cases
from kaizen_conformance.cases.corpus import manifest_corpus
from kaizen_conformance.cases.loading import FixtureError
from kaizen_conformance.roles import listing as role

REFERENCE = "--kaizen-list=kaizen_conformance.reference.manifest_tools:list_agents"
REFERENCE_CMD = command_option("list", "kaizen_conformance.reference.manifest_tools list --json")
VALIDATE = "--kaizen-validate=kaizen_conformance.reference.manifest_tools:validate"
PREPARE = "--kaizen-prepare=kaizen_conformance.reference.prepare:prepare"
PYTHON = shlex.quote(sys.executable)


# --------------------------------------------------------------------------- the reference


def test_the_reference_callable_alone_passes_every_case_and_reads_incomplete(
    kit_pytester: pytest.Pytester,
) -> None:
    """Without validate and prepare, LST-004 is not judged: skipped, and the role never CONFORMS."""
    run = run_kit(kit_pytester, REFERENCE)
    items = run.role_items("list")
    assert len(items) == len(cases.all_cases()) * 2 + sum(
        1 for case in cases.all_cases() if case.answer != cases.EITHER
    )
    bad = [(i.name, i.outcome) for i in items if i.outcome != "passed" and "LST-004" not in i.name]
    assert not bad
    assert {i.outcome for i in items if i.name.startswith("LST-004")} == {"skipped"}
    run.result.stdout.fnmatch_lines(
        [
            "list (contract v1.2): kaizen_conformance.reference.manifest_tools:list_agents (callable, from --kaizen-list)",
            "  MUST     4 rules: 3 passed, 0 failed, 1 skipped",
            f"  skipped    LST-004 MUST   0/{len(cases.all_cases())} cases  Agreement across the "
            "kaizen-agentic commands*",
            "             why: LST-004 not judged (not a pass): the validate role is not configured "
            "(give --kaizen-validate or --kaizen-validate-cmd, or --kaizen-reference); the prepare "
            "role is not configured (give --kaizen-prepare or --kaizen-prepare-cmd, or --kaizen-reference)",
            "  verdict: INCOMPLETE: some MUST rules were not checked*",
        ],
        consecutive=True,
    )
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED  # INCOMPLETE, not accepted


def test_with_validate_and_prepare_the_reference_conforms(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(kit_pytester, "--kaizen-reference", "-k", "LST")
    items = run.role_items("list")
    assert items and {i.outcome for i in items} == {"passed"}, [
        (i.name, i.message[:300]) for i in items if i.outcome != "passed"
    ]
    run.result.stdout.fnmatch_lines(
        [
            "list (contract v1.2): kaizen_conformance.reference.manifest_tools:list_agents (callable, from --kaizen-reference)",
            "  MUST     4 rules: 4 passed, 0 failed",
            "  verdict: CONFORMS",
        ],
        consecutive=True,
    )


def test_the_reference_command_passes(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        REFERENCE_CMD,
        VALIDATE,
        PREPARE,
        "-k",
        "LST and (agents-in-file-order or descriptions-non-ascii or no-manifest or minimal "
        "or version-true or billion-laughs or python-object-apply or yes-as-boolean) "
        "and not in-one-value",
    )
    items = run.role_items("list")
    assert (
        len(items) == 26
    )  # nine cases (python-object-apply-nested too), three items each; two for yes-as-boolean
    assert {i.outcome for i in items} == {"passed"}, [
        (i.name, i.message[:300]) for i in items if i.outcome != "passed"
    ]


def test_an_unconfigured_list_role_is_not_configured_and_never_passes(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(kit_pytester, VALIDATE, "-k", "minimal or not-configured", "-rs")
    assert [(i.name, i.outcome) for i in run.role_items("list")] == [
        ("list[not-configured]", "skipped")
    ]
    run.result.stdout.fnmatch_lines(
        [
            "list (contract v1.2): not configured",
            "*list role not configured (not a pass): give --kaizen-list or --kaizen-list-cmd, or --kaizen-reference*",
        ]
    )


# --------------------------------------------------------------------------- what is collected


def test_every_case_gets_its_answer_rule_the_boundary_and_the_agreement() -> None:
    checks = {(check.name, check.rules) for check in role.collect(None)}  # type: ignore[arg-type]
    assert ("LST-001[agents-in-file-order]", ("LST-001",)) in checks
    assert ("LST-001[minimal]", ("LST-001",)) in checks
    assert ("LST-002[no-manifest]", ("LST-002",)) in checks
    assert ("LST-002[billion-laughs]", ("LST-002",)) in checks
    assert ("LST-003[ten-mib]", ("LST-003",)) in checks
    assert ("LST-004[kaizen-dir-without-manifest]", ("LST-004",)) in checks
    # a parser-dependent manifest is held to no answer (contract section 7), only to LST-003/004
    names = {name for name, _ in checks}
    assert "LST-001[yes-as-boolean]" not in names and "LST-002[yes-as-boolean]" not in names
    assert {"LST-003[yes-as-boolean]", "LST-004[yes-as-boolean]"} <= names
    assert {r.id for r in contract.rules_for("list")} <= {r for _, rules in checks for r in rules}


def test_every_corpus_entry_is_a_list_case() -> None:
    ids = {case.id for case in cases.all_cases()}
    assert {entry.id for entry in manifest_corpus()} <= ids


# --------------------------------------------------------------------------- LST-001 messages


WANTED = [
    {"name": "zeta", "cadence": "daily", "enabled": True, "description": None},
    {"name": "alpha", "cadence": "weekly", "enabled": False, "description": "Größe"},
]


def test_a_list_in_file_order_with_every_key_has_no_problem() -> None:
    assert role.list_problems([dict(agent) for agent in WANTED], WANTED) == []
    assert role.list_problems(tuple(WANTED), WANTED) == []


@pytest.mark.parametrize(
    ("answer", "problems"),
    [
        (
            list(reversed(WANTED)),
            [
                "agents out of file order: listed ['alpha', 'zeta']; the manifest has them as "
                "['zeta', 'alpha'] (sorted by name)"
            ],
        ),
        (WANTED[:1], ["left out agents of the manifest: 'alpha'"]),
        (
            [*WANTED, {**WANTED[0], "name": "ghost"}],
            ["listed agents the manifest does not have: 'ghost'"],
        ),
        (
            [{**WANTED[0], "enabled": None}, WANTED[1]],
            [
                "agent 'zeta': enabled is None, the manifest says true (where the manifest "
                "leaves it out, the default true is listed)"
            ],
        ),
        (
            [{**WANTED[0], "enabled": 1}, WANTED[1]],
            [
                "agent 'zeta': enabled is 1, the manifest says true (where the manifest leaves "
                "it out, the default true is listed)"
            ],
        ),
        (
            [{k: v for k, v in WANTED[0].items() if k != "description"}, WANTED[1]],
            ["agent 'zeta' lacks description"],
        ),
        (
            [WANTED[0], {**WANTED[1], "schedule": "weekly"}],
            ["agent 'alpha' has keys a listing does not have: schedule"],
        ),
        (
            [WANTED[0], {**WANTED[1], "description": "Grosse"}],
            ["agent 'alpha': description is 'Grosse', the manifest says 'Größe'"],
        ),
        (
            {"agents": WANTED},
            [
                f"answered { ({'agents': WANTED})!r:.200}, not a list of agents (a JSON array of objects)"
            ],
        ),
        (["zeta"], ["item 0 of the list is 'zeta', not an agent (an object)"]),
    ],
    ids=[
        "sorted",
        "dropped",
        "added",
        "enabled-null",
        "enabled-integer",
        "description-missing",
        "extra-key",
        "description-changed",
        "not-a-list",
        "not-objects",
    ],
)
def test_each_difference_is_named_whole(answer: object, problems: list[str]) -> None:
    assert role.list_problems(answer, WANTED) == problems


# --------------------------------------------------------------------------- the adapters


def write_lister(directory: Path, body: str) -> str:
    """A list command (a Python script) whose body runs with ``repo`` set."""
    script = directory / "lister.py"
    script.write_text(f"import json, sys\nrepo = sys.argv[1]\n{body}\n", encoding="utf-8")
    return f"--kaizen-list-cmd={PYTHON} {shlex.quote(str(script))} {{repo}}"


def test_a_command_that_prints_no_json_is_named_with_what_it_printed(
    kit_pytester: pytest.Pytester,
) -> None:
    option = write_lister(kit_pytester.path, 'print("coach weekly")')
    run = run_kit(kit_pytester, option, "-k", "LST-001 and minimal")
    assert run.role_outcomes("list") == {"LST-001[minimal]": "failed"}
    run.result.stdout.fnmatch_lines(
        ["case minimal: exited 0, but stdout is not one JSON value (*): 'coach weekly\\n'"]
    )


def test_a_callable_returning_a_generator_of_agents_is_not_a_list(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(
        gen_lister="""
        from kaizen_conformance.reference.manifest_tools import list_agents as reference

        def list_agents(repo):
            return (agent for agent in reference(repo))
        """
    )
    run = run_kit(kit_pytester, "--kaizen-list=gen_lister:list_agents", "-k", "LST-001 and minimal")
    assert run.role_outcomes("list") == {"LST-001[minimal]": "failed"}
    run.result.stdout.fnmatch_lines(
        ["case minimal: answered <generator object *>, not a list of agents*"]
    )


def test_a_command_error_on_stdout_only_does_not_name_the_file(
    kit_pytester: pytest.Pytester,
) -> None:
    option = write_lister(kit_pytester.path, 'print("schedule.yml: not found")\nsys.exit(1)')
    run = run_kit(kit_pytester, option, "-k", "LST-002 and no-manifest")
    assert run.role_outcomes("list") == {"LST-002[no-manifest]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "case no-manifest: the error does not name the file: stderr '' never mentions schedule.yml"
        ]
    )


def test_code_in_a_hostile_manifest_is_never_run_by_the_reference_command(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(kit_pytester, REFERENCE_CMD, "-k", "LST-002 and python-object")
    outcomes = run.role_outcomes("list")
    assert outcomes and set(outcomes.values()) == {"passed"}, outcomes


# --------------------------------------------------------------------------- LST-004


def test_one_configured_half_is_judged_and_the_other_named_in_the_skip(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(kit_pytester, REFERENCE, VALIDATE, "-k", "LST-004 and minimal", "-rs")
    assert run.role_outcomes("list") == {"LST-004[minimal]": "skipped"}
    run.result.stdout.fnmatch_lines(
        [
            "*LST-004 not judged (not a pass): the prepare role is not configured "
            "(give --kaizen-prepare or --kaizen-prepare-cmd, or --kaizen-reference)"
        ]
    )
    run.result.stdout.no_fnmatch_line("*the validate role is not configured*")


def test_a_disabled_agent_that_prepare_accepts_is_a_disagreement(
    kit_pytester: pytest.Pytester,
) -> None:
    """prepare is the one that is wrong here, and LST-004 says so: the commands disagree."""
    kit_pytester.makepyfile(
        lenient_prepare="""
        from kaizen_conformance.reference import prepare as reference
        from kaizen_conformance.reference.schedule import load_manifest
        from pathlib import Path

        def prepare(repo, agent):
            manifest = load_manifest(Path(repo))
            for entry in manifest["agents"]:
                entry.pop("enabled", None)  # every agent runs, whatever the manifest says
            original = reference.load_manifest
            reference.load_manifest = lambda checkout: manifest
            try:
                return reference.prepare(repo, agent)
            finally:
                reference.load_manifest = original
        """
    )
    run = run_kit(
        kit_pytester,
        REFERENCE,
        VALIDATE,
        "--kaizen-prepare=lenient_prepare:prepare",
        "-k",
        "LST-004 and enabled-absent-true-false",
    )
    assert run.role_outcomes("list") == {"LST-004[enabled-absent-true-false]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "case enabled-absent-true-false: list shows agent 'janitor' as disabled, but prepare accepts it"
        ]
    )


# --------------------------------------------------------------------------- the cases are linted


def test_a_list_case_whose_expect_disagrees_with_the_manifest_is_a_fixture_error(
    tmp_path: Path,
) -> None:
    case_dir = tmp_path / "list" / "wrong-default"
    case_dir.mkdir(parents=True)
    (case_dir / "case.yml").write_text(
        "description: enabled left out\n"
        "files:\n"
        "- path: repos/subject/.kaizen/schedule.yml\n"
        "  text: |\n"
        "    version: 1\n"
        "    agents:\n"
        "      - {name: coach, cadence: weekly}\n"
        "expect:\n"
        "- {name: coach, cadence: weekly, enabled: false, description: null}\n",
        encoding="utf-8",
    )
    with pytest.raises(FixtureError) as raised:
        cases.lint(cases.load_list_case(case_dir))
    assert (
        "expect does not match the manifest, which lists [{'name': 'coach', 'cadence': 'weekly', 'enabled': True, 'description': None}]"
        in str(raised.value)
    )
