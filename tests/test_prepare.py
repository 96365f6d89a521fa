"""The prepare role as a user meets it: both adapters, item names, messages, enforcement, skips."""

from __future__ import annotations

import pytest
from kitrun import ItemOutcome, KitRun, command_option, run_kit

from kaizen_conformance.cases import prepare
from kaizen_conformance.cases import prepare as prepare_cases
from kaizen_conformance.cases.loading import fixtures_root
from kaizen_conformance.roles import prepare as role

REFERENCE = "--kaizen-prepare=kaizen_conformance.reference.prepare:prepare"


def item(run: KitRun, name: str) -> ItemOutcome:
    found = [i for i in run.role_items("prepare") if i.name == name]
    assert found, f"no item {name}; items: {[i.name for i in run.role_items('prepare')][:20]}"
    return found[0]


def expected_item_count() -> int:
    count = 0
    for invocation in role.invocations():
        if invocation.expect.is_event:
            count += len(role.EVENT_RULES)
        elif invocation.case.manifest is not None:
            count += 1
        else:
            count += 1 + len(role.BOUNDARY_RULES)
    return count


# --------------------------------------------------------------------------- the reference conforms


def test_the_reference_callable_conforms_on_every_case(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(kit_pytester, REFERENCE)
    items = run.role_items("prepare")
    assert len(items) == expected_item_count()
    assert {i.outcome for i in items} == {"passed"}, [
        (i.name, i.message[:300]) for i in items if i.outcome != "passed"
    ]
    run.result.stdout.fnmatch_lines(
        [
            "prepare (contract v1.2): kaizen_conformance.reference.prepare:prepare (callable, from --kaizen-prepare)",
            "  MUST    10 rules: 10 passed, 0 failed",
            "  SHOULD    1 rule: 1 passed, 0 failed",
            "  verdict: CONFORMS",
        ],
        consecutive=True,
    )


def test_the_reference_command_conforms_on_every_case(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(kit_pytester, command_option("prepare", "kaizen_conformance.reference.prepare"))
    items = run.role_items("prepare")
    assert len(items) == expected_item_count()
    assert {i.outcome for i in items} == {"passed"}, [
        (i.name, i.message[:300]) for i in items if i.outcome != "passed"
    ]
    run.result.stdout.fnmatch_lines(
        ["*(command, from --kaizen-prepare-cmd)", "  verdict: CONFORMS"]
    )


def test_kaizen_reference_configures_prepare(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(kit_pytester, "--kaizen-reference", "-k", "PRE- and minimal")
    assert {i.name: i.outcome for i in run.role_items("prepare")} == {
        f"{rule}[minimal/coach]": "passed" for rule in role.EVENT_RULES
    }
    run.result.stdout.fnmatch_lines(
        [
            "kaizen prepare: kaizen_conformance.reference.prepare:prepare (callable, from --kaizen-reference)"
        ]
    )


# --------------------------------------------------------------------------- items and reports


def test_items_are_named_by_rule_case_and_agent(pytester: pytest.Pytester) -> None:
    items, _ = pytester.inline_genitems(
        "--pyargs", "kaizen_conformance", REFERENCE, "-p", "no:cacheprovider"
    )
    names = {i.name for i in items if i.get_closest_marker("kaizen").kwargs["role"] == "prepare"}
    for rule in role.EVENT_RULES:
        assert f"{rule}[memory-and-metrics/scribe]" in names
    assert {
        "PRE-008[unknown-and-disabled/Coach]",
        "PRE-005[unknown-and-disabled/Coach]",
        "PRE-006[unknown-and-disabled/Coach]",
    } <= names
    assert "PRE-004[escaping-symlinks/memo]" in names
    assert "PRE-009[corpus-empty-file/coach]" in names
    assert "PRE-005[corpus-empty-file/coach]" not in names  # corpus manifests: PRE-009 only


def test_rule_ids_and_the_enforcement_go_into_junit_properties(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(kit_pytester, REFERENCE, "-k", "PRE-005 and minimal")
    found = item(run, "PRE-005[minimal/coach]")
    assert found.properties["kaizen_rules"] == "PRE-005"
    assert found.properties["kaizen_case"] == "minimal/coach"
    assert found.properties["kaizen_offline_enforcement"].startswith("Python audit hook")


def test_the_report_header_names_the_offline_enforcement(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        command_option("prepare", "kaizen_conformance.reference.prepare"),
        "-k",
        "PRE-005 and minimal",
    )
    run.result.stdout.fnmatch_lines(
        ["kaizen prepare offline enforcement (PRE-005): *: *Python audit hook*"]
    )
    run = run_kit(kit_pytester, REFERENCE, "-k", "PRE-005 and minimal")
    run.result.stdout.fnmatch_lines(
        [
            "kaizen prepare offline enforcement (PRE-005): in-process: Python audit hook (socket connect, DNS, bind*)*in the call's own process + respx*"
        ]
    )


def test_an_unconfigured_prepare_is_skipped_and_never_reads_as_passed(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-resolver=kaizen_conformance.reference.resolver:resolve_v2",
        "-k",
        "test_prepare",
    )
    items = run.role_items("prepare")
    assert items and {i.outcome for i in items} == {"skipped"}
    assert "prepare role not configured (not a pass)" in items[0].message
    assert "--kaizen-prepare or --kaizen-prepare-cmd" in items[0].message


# --------------------------------------------------------------------------- what failures say


def test_a_command_printing_more_than_one_json_object_fails_with_its_first_bytes(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        command_option("prepare", "mutants.prepare.logs_to_stdout_cmd"),
        "-k",
        "PRE-001 and minimal",
    )
    assert item(run, "PRE-001[minimal/coach]").outcome == "failed"
    run.result.stdout.fnmatch_lines(
        [
            "case minimal/coach: expected one event; prepare exited 0, but its stdout is not one JSON object "
            "(Expecting value: line 1 column 1 (char 0)); it began with 'preparing coach in *",
        ]
    )


def test_a_raw_socket_is_caught_in_process_and_the_report_says_how(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-prepare=mutants.prepare.opens_a_raw_socket:prepare",
        "-k",
        "PRE-005 and minimal",
    )
    assert item(run, "PRE-005[minimal/coach]").outcome == "failed"
    run.result.stdout.fnmatch_lines(
        [
            "case minimal/coach: prepare tried to use the network (1 attempt(s), all refused):",
            # under the socket filter socket() itself is refused, before any connect
            "  socket.__new__(family=2)",
            "enforcement: Python audit hook (socket connect, DNS, bind*)* + respx (httpx requests*",
        ]
    )


def test_an_httpx_request_is_reported_with_its_url(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-prepare=mutants.prepare.calls_the_hub:prepare",
        "-k",
        "PRE-005 and minimal",
    )
    run.result.stdout.fnmatch_lines(
        ["  httpx GET https://state-hub.example/repos/?kaizen_schedule_enabled=true"]
    )


def test_a_command_calling_the_hub_is_caught_and_the_report_says_how(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        command_option("prepare", "mutants.prepare.calls_the_hub_cmd"),
        "-k",
        "PRE-005 and minimal",
    )
    assert item(run, "PRE-005[minimal/coach]").outcome == "failed"
    run.result.stdout.fnmatch_lines(
        [
            "  socket.*('127.0.0.1', 9*",
            "enforcement: *Python audit hook*; prepare produced an event",
        ]
    )


def test_a_golden_mismatch_shows_the_golden_and_a_diff(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-prepare=mutants.prepare.sorts_memory_ignoring_case:prepare",
        "-k",
        "PRE-002 and memory-and-metrics",
    )
    assert item(run, "PRE-002[memory-and-metrics/coach]").outcome == "failed"
    assert item(run, "PRE-002[memory-and-metrics/scribe]").outcome == "passed"
    run.result.stdout.fnmatch_lines(
        [
            "case memory-and-metrics/coach: the event differs from the golden fixtures/prepare/memory-and-metrics/golden/coach.json",
            "(compared: specversion, type, subject, datacontenttype and data; id, time and data.repo.root normalised *",
            "--- golden",
            "+++ prepare's event",
            "*",
            '+        "path": ".kaizen/agents/coach/memory/a-lower.md",',
        ]
    )


def test_a_read_through_an_escaping_symlink_is_seen_by_access_time(
    kit_pytester: pytest.Pytester,
) -> None:
    if not role._probe_access_times(kit_pytester.mkdir("atime-probe")):
        pytest.skip("this filesystem does not record access times (noatime)")
    run = run_kit(
        kit_pytester,
        command_option("prepare", "mutants.prepare.reads_then_refuses_cmd"),
        "-k",
        "PRE-004 and escaping-symlinks/memo",
    )
    found = item(run, "PRE-004[escaping-symlinks/memo]")
    assert found.outcome == "failed"
    assert found.properties["kaizen_read_watch"] == "access times"
    run.result.stdout.fnmatch_lines(
        [
            "case escaping-symlinks/memo: prepare refused the escaping symlink, but read its target first:",
            "  the access time of outside/secret-memory.md moved",
        ]
    )


def test_an_in_process_open_of_an_escaping_target_is_seen(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-prepare=mutants.prepare.reads_then_refuses:prepare",
        "-k",
        "PRE-004 and escaping-symlinks/memo",
    )
    assert (
        item(run, "PRE-004[escaping-symlinks/memo]").properties["kaizen_read_watch"]
        == "access times + audit hook on open"
    )
    run.result.stdout.fnmatch_lines(["  opened */repos/subject/.kaizen/agents/memo/memory/leak.md"])


def test_an_error_without_the_agent_s_name_says_what_it_printed(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        "--kaizen-prepare=mutants.prepare.vague_errors:prepare",
        "-k",
        "PRE-008 and dormant",
    )
    run.result.stdout.fnmatch_lines(
        [
            "case unknown-and-disabled/dormant: prepare failed (an agent not in schedule.yml, or disabled there), "
            "but the exception's message does not name 'dormant': 'cannot prepare: check your configuration'",
        ]
    )


def test_exit_zero_on_an_unknown_agent_is_not_an_error(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        command_option("prepare", "mutants.prepare.exit_zero_on_unknown_agent_cmd"),
        "-k",
        "PRE-008 and ghost",
    )
    run.result.stdout.fnmatch_lines(
        [
            "case unknown-and-disabled/ghost: expected an error (an agent not in schedule.yml, or disabled there); "
            "prepare exited 0 and printed ''"
        ]
    )


def test_an_event_printed_by_a_failing_command_is_caught(kit_pytester: pytest.Pytester) -> None:
    run = run_kit(
        kit_pytester,
        command_option("prepare", "mutants.prepare.prints_an_event_on_failure_cmd"),
        "-k",
        "PRE-009 and listy",
    )
    run.result.stdout.fnmatch_lines(
        ["case bad-metrics/listy: prepare failed (*) but printed an event on stdout anyway: *"]
    )


def test_a_hanging_prepare_fails_within_the_limit_and_the_run_goes_on(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(
        slow_prepare=("import time\ndef prepare(repo, agent):\n    time.sleep(30)\n")
    )
    run = run_kit(
        kit_pytester,
        "--kaizen-prepare=slow_prepare:prepare",
        "--kaizen-timeout=1",
        "-k",
        "PRE-001 and minimal or PRE-008 and ghost",
        subprocess=True,
    )
    assert item(run, "PRE-001[minimal/coach]").outcome == "failed"
    assert item(run, "PRE-008[unknown-and-disabled/ghost]").outcome == "failed"
    run.result.stdout.fnmatch_lines(
        [
            "case minimal/coach: expected an event; prepare did not return within the per-call limit of 1 s (--kaizen-timeout); the call was stopped"
        ]
    )


def test_a_returned_value_that_is_not_json_data_fails_pre_001(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(
        pathy_prepare=(
            "from pathlib import Path\n"
            "from kaizen_conformance.reference.prepare import prepare as reference\n"
            "def prepare(repo, agent):\n"
            "    event = reference(repo, agent)\n"
            "    event['data']['repo']['root'] = Path(repo)\n"
            "    return event\n"
        )
    )
    run = run_kit(
        kit_pytester, "--kaizen-prepare=pathy_prepare:prepare", "-k", "PRE-001 and minimal"
    )
    run.result.stdout.fnmatch_lines(
        [
            "case minimal/coach: expected one event; prepare returned a dict that is not JSON data: "
            "$.data.repo.root is a PosixPath (*), not JSON data"
        ]
    )


# --------------------------------------------------------------------------- git


def test_without_git_the_git_cases_are_skipped_with_a_reason_and_the_verdict_is_incomplete(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepare_cases, "git_executable", lambda: None)
    run = run_kit(kit_pytester, REFERENCE, "-k", "PRE- and (git-branch or minimal)")
    skipped = item(run, "PRE-010[git-branch/coach]")
    assert skipped.outcome == "skipped"
    assert skipped.message.startswith(
        "git is not installed, so the git checkout of case git-branch cannot be built"
    )
    assert "(not a pass: install git to check this case)" in skipped.message
    assert item(run, "PRE-010[minimal/coach]").outcome == "passed"
    run.result.stdout.fnmatch_lines(["  verdict: INCOMPLETE*"])
    run.result.stdout.no_fnmatch_line("  verdict: CONFORMS")


def test_the_git_checkouts_have_the_commit_ids_of_their_goldens(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Deterministic HEADs: built here, now, the ids are those frozen in the goldens."""
    import json

    for case in prepare.fixture_cases(fixtures_root()):
        if case.git is None:
            continue
        materialised = case.materialise(tmp_path_factory.mktemp(case.id))
        golden = json.loads(case.golden("coach").read_text(encoding="utf-8"))
        assert golden["data"]["repo"]["head"] == materialised.head, case.id


def test_a_command_that_cannot_start_passes_no_error_case(
    kit_pytester: pytest.Pytester,
) -> None:
    """A program that never ran has not refused anything: no error case may pass on it. It is
    one configuration error of the run, and the role's other checks are not run."""
    run = run_kit(
        kit_pytester,
        "--kaizen-prepare-cmd=no-such-prepare-command {agent} {repo}",
        "-k",
        "PRE-004 and escaping-symlinks or PRE-008 and ghost",
    )
    judged = sorted(i.outcome for i in run.role_items("prepare"))
    assert judged == ["error"] + ["skipped"] * (len(judged) - 1), judged
    run.result.stdout.fnmatch_lines(
        [
            "the prepare command cannot start: its program 'no-such-prepare-command' is not there or "
            "cannot run (not found on PATH; looked up in *, then on PATH), so no prepare rule can be checked. Fix "
            "--kaizen-prepare-cmd=no-such-prepare-command {agent} {repo}: *"
        ]
    )
