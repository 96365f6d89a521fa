"""``--kaizen-cli``: a Click or Typer program named once runs in-process, judged as its command.

The program's templates stay as they are; the kit calls the app in a child process forked from
itself, with the command's argv, streams and exit status. Proven here against the real
frameworks: every exit status and stream of a Click program equals the command's; the kit's
verdicts on a Typer kaizen-agentic are the same rule by rule and case by case both ways; a
hang or a runaway allocation fails over-limit on its rule; nothing the program starts outlives
its call; and every way to name the app wrongly is a usage error naming the option and the fix.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from consumers.kaizen_agentic.cli import IN_PROCESS, RECIPE, path_with, script
from kitrun import TESTS_DIR, run_kit

from kaizen_conformance.adapters.cli_apps import (
    NamedProgram,
    check_programs,
    exit_status,
    named_programs,
    run_program,
)
from kaizen_conformance.core.settings import OptionValues, RoleTarget, Settings
from kaizen_conformance.runtime.calls import isolation_available
from kaizen_conformance.runtime.commands import run_command

pytestmark = pytest.mark.skipif(
    not isolation_available(),
    reason="in-process programs need fork (Linux): elsewhere they run as commands",
)

EDGE_MODULE = "consumers.kaizen_agentic.edge"
EDGE = f"--kaizen-cli=edge={EDGE_MODULE}:cli"


def settings_for(*cli: str, timeout: float = 20.0, memory_mib: int = 1024) -> Settings:
    return Settings(
        targets={},
        profiles={},
        timeout=timeout,
        strict=False,
        hub_double="respx",
        rootpath=Path.cwd(),
        memory_mib=memory_mib,
        options=OptionValues.from_table({"cli": cli}),
        origins={"cli": "--kaizen-cli"},
    )


@pytest.fixture
def edge_env(tmp_path: Path) -> dict[str, str]:
    """The environment both forms run in: the ``edge`` console script on PATH, tests/ importable."""
    script(tmp_path / "bin", EDGE_MODULE, "edge", "cli")
    env = dict(os.environ)
    env["PATH"] = path_with(tmp_path / "bin")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS_DIR), env.get("PYTHONPATH")]))
    env["EDGE_PIDS"] = str(tmp_path / "pids")
    return env


def both_ways(args: list[str], env: dict[str, str], cwd: Path) -> tuple[Any, Any]:
    argv = ["edge", *args]
    command = run_command(argv, limit=30, env=env, cwd=cwd)
    settings = settings_for(f"edge={EDGE_MODULE}:cli")
    program = named_programs(settings)["edge"]
    inside = run_program(settings, program, argv, offline=False, label="edge", cwd=cwd, env=env)
    return command, inside.outcome


@pytest.mark.parametrize(
    "args",
    [
        ["exit", "0"],
        ["exit", "3"],
        ["exit", "300"],  # the status is taken modulo 256, as a process's is
        ["text-exit"],  # sys.exit("text"): the text on stderr, exit 1
        ["abort"],  # a ClickException: "Error: ..." and exit 1
        ["nosuch"],  # a usage error: exit 2, the usage on stderr
        ["exit"],  # a missing argument
        ["exit", "--bogus", "1"],
        ["bytes"],  # the binary buffer and text, in order, UTF-8
        ["warn"],  # a warning and a log record, as a fresh interpreter shows them
        ["environment"],  # the working directory, stdin at its end, argv
        ["--help"],
    ],
    ids=lambda args: "-".join(args).strip("-") or "none",
)
def test_exit_status_and_both_streams_are_the_commands(
    args: list[str], edge_env: dict[str, str], tmp_path: Path
) -> None:
    command, inside = both_ways(args, edge_env, tmp_path)
    assert inside.returncode == command.returncode, (inside.stderr, command.stderr)
    assert inside.stdout == command.stdout
    assert inside.stderr == command.stderr
    assert (inside.stdout_size, inside.stderr_size) == (command.stdout_size, command.stderr_size)
    assert not inside.over_limit


@pytest.mark.parametrize(
    "args",
    [
        ["schedule", "bogus"],  # Typer's boxed usage error, exit 2
        ["schedule", "validate"],  # a missing argument
        ["schedule", "list", "--json", "/no/such/checkout"],  # the program's own refusal
        ["--help"],
    ],
    ids=lambda args: "-".join(args).strip("-"),
)
def test_a_typer_program_says_and_exits_as_its_command(args: list[str], tmp_path: Path) -> None:
    script(tmp_path / "bin")
    env = dict(os.environ)
    env["PATH"] = path_with(tmp_path / "bin")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS_DIR), env.get("PYTHONPATH")]))
    argv = ["kaizen-agentic", *args]
    command = run_command(argv, limit=30, env=env, cwd=tmp_path)
    settings = settings_for(IN_PROCESS.removeprefix("--kaizen-cli="))
    program = named_programs(settings)["kaizen-agentic"]
    for _ in range(2):  # the second call reuses the Click command the kit built for the first
        inside = run_program(
            settings, program, argv, offline=True, label="t", cwd=tmp_path, env=env
        )
        assert inside.outcome.returncode == command.returncode
        assert inside.outcome.stdout == command.stdout
        assert inside.outcome.stderr == command.stderr


def test_an_uncaught_exception_is_a_traceback_and_exit_1_as_in_the_command(
    edge_env: dict[str, str], tmp_path: Path
) -> None:
    command, inside = both_ways(["fail", "/srv/repo"], edge_env, tmp_path)
    assert inside.returncode == command.returncode == 1
    for outcome in (command, inside):
        assert outcome.stderr.startswith(b"Traceback (most recent call last):")
    # the frames above differ (a console script's first frame is the script); the error does not
    assert inside.stderr.splitlines()[-1] == command.stderr.splitlines()[-1]


def test_the_interpreters_exit_statuses() -> None:
    assert [exit_status(code) for code in (None, 0, 2, 256, -1, True)] == [0, 0, 2, 0, 255, 1]


def test_nothing_the_program_starts_outlives_its_call(
    edge_env: dict[str, str], tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    settings = settings_for(f"edge={EDGE_MODULE}:cli")
    program: NamedProgram = named_programs(settings)["edge"]
    run = run_program(
        settings, program, ["edge", "spawn", str(repo)], offline=False, label="init", env=edge_env
    )
    assert run.outcome.returncode == 0, run.outcome.stderr
    (pid,) = [int(line) for line in Path(edge_env["EDGE_PIDS"]).read_text().split()]
    assert not _alive(pid), f"the daemon {pid} the program started outlived its call"
    assert (repo / ".kaizen" / "schedule.yml").is_file()


def _alive(pid: int) -> bool:
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.05)
    return True


# --------------------------------------------------------------------------- the suite


def _report_verdicts(path: Path) -> dict[str, Any]:
    """What the JSON report says rule by rule and case by case, without timings and messages."""
    report = json.loads(path.read_text(encoding="utf-8"))
    roles = {
        name: {
            "verdict": role["verdict"],
            "rules": [
                {
                    k: rule[k]
                    for k in ("id", "verdict", "cases_passed", "cases_total", "failed_cases")
                }
                for rule in role["rules"]
            ],
        }
        for name, role in report["roles"].items()
    }
    checks = {
        check["name"]: (check["outcome"], check.get("failure_kind")) for check in report["checks"]
    }
    return {"roles": roles, "checks": checks, "claim": report["claim"]}


def test_a_typer_kaizen_agentic_gets_the_same_verdicts_as_a_command_and_in_process(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", path_with(script(kit_pytester.path / "bin").parent))
    as_command = run_kit(
        kit_pytester, *RECIPE, "--kaizen-report=command.json", subprocess=True, limit=900
    )
    in_process = run_kit(
        kit_pytester, *RECIPE, IN_PROCESS, "--kaizen-report=cli.json", subprocess=True, limit=900
    )
    command = _report_verdicts(kit_pytester.path / "command.json")
    inside = _report_verdicts(kit_pytester.path / "cli.json")
    assert {
        r: v["verdict"] for r, v in command["roles"].items() if r not in ("hub", "resolver")
    } == {
        "prepare": "conforms",
        "validate": "conforms",
        "init": "conforms",
        "list": "conforms",
    }, as_command.result.stdout.lines[-30:]
    assert inside == command
    assert in_process.outcomes() == as_command.outcomes()
    assert in_process.result.ret == as_command.result.ret
    assert f"its program run in-process ({IN_PROCESS})" in in_process.result.stdout.str()


def test_a_hang_and_a_runaway_allocation_fail_over_limit_on_their_rules(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = kit_pytester.path / "pids"
    monkeypatch.setenv("EDGE_PIDS", str(pids))
    run = run_kit(
        kit_pytester,
        EDGE,
        "--kaizen-validate-cmd=edge hang {repo}",
        "--kaizen-list-cmd=edge hog {repo}",
        "--kaizen-init-cmd=edge spawn {repo}",
        "--kaizen-timeout=3",
        "--kaizen-memory=256",
        "-k",
        "minimal or empty-checkout",
        "--kaizen-report=report.json",
        subprocess=True,
        limit=300,
    )
    stdout = run.result.stdout.str()
    roles = json.loads((kit_pytester.path / "report.json").read_text(encoding="utf-8"))["roles"]
    for role in ("validate", "list"):  # held offline as an in-process call is, and said so
        assert roles[role]["enforcement"]["network"] == "in-process"
        assert "--kaizen-cli" in roles[role]["enforcement"]["note"]
    assert (
        "kaizen validate: edge hang {repo} (command, from --kaizen-validate-cmd); its program "
        f"run in-process ({EDGE})" in stdout
    )
    assert run.failures("SCH-001", "over-limit"), stdout[-3000:]
    hung = run.failures("SCH-001", "over-limit")[0].message
    assert "per-call limit" in hung
    hog = run.failures("LST-001", "over-limit")
    assert hog and "memory budget of 256 MiB" in hog[0].message, stdout[-3000:]
    # init ran the program that leaves a daemon: its rules judged it, and no daemon is left
    assert run.role_outcomes("init").get("INI-001[empty-checkout]") == "passed", stdout[-3000:]
    started = [int(line) for line in pids.read_text().split()]
    assert started and not any(_alive(pid) for pid in started)


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (
            ["--kaizen-cli=consumers.kaizen_agentic.cli:app"],
            "is not of the form PROGRAM=module:attribute (for example kaizen-agentic=",
        ),
        (
            ["--kaizen-cli=kaizen-agentic=no_such_package.cli:app"],
            "--kaizen-cli=kaizen-agentic=no_such_package.cli:app: cannot import module "
            "'no_such_package.cli'",
        ),
        (
            ["--kaizen-cli=kaizen-agentic=consumers.kaizen_agentic.cli:nothing"],
            "has no attribute 'nothing'",
        ),
        (
            ["--kaizen-cli=kaizen-agentic=consumers.kaizen_agentic.cli:RECIPE"],
            "tuple object is neither a Click command nor a Typer app. Name the object the "
            "program's console script calls",
        ),
        (
            ["--kaizen-cli=kaizen=consumers.kaizen_agentic.cli:app"],
            "--kaizen-cli=kaizen=consumers.kaizen_agentic.cli:app: no command template runs "
            "'kaizen' (--kaizen-validate-cmd runs 'kaizen-agentic'). Name the program exactly "
            "as the first word of",
        ),
    ],
    ids=["form", "not-importable", "no-attribute", "not-an-app", "no-template-runs-it"],
)
def test_a_wrong_app_is_a_usage_error_naming_the_option_and_the_fix(
    kit_pytester: pytest.Pytester, options: list[str], says: str
) -> None:
    run = run_kit(kit_pytester, RECIPE[1], *options)
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    assert says in " ".join(run.result.stderr.str().split()), run.result.stderr.str()


def test_the_ini_twin_names_several_programs(kit_pytester: pytest.Pytester) -> None:
    kit_pytester.makeini(
        "[pytest]\nkaizen_cli =\n    kaizen-agentic=consumers.kaizen_agentic.cli:app\n"
        f"    edge={EDGE_MODULE}:cli\n"
    )
    run = run_kit(
        kit_pytester,
        RECIPE[1],
        "--kaizen-init-cmd=edge spawn {repo}",
        "--collect-only",
        "-q",
    )
    # both programs are used by a template and are apps: no usage error, and neither is on PATH
    assert run.result.ret == pytest.ExitCode.OK, run.result.stderr.str()


def test_programs_are_checked_at_configure() -> None:
    settings = settings_for("edge=consumers.kaizen_agentic.edge:cli")
    settings.targets["init"] = RoleTarget(
        "init", "command", "edge spawn {repo}", "--kaizen-init-cmd"
    )
    check_programs(settings)  # an app, used by a template: nothing to say


def test_the_run_command_forwards_every_program(monkeypatch: pytest.MonkeyPatch) -> None:
    from kaizen_conformance import cli

    forwarded: list[list[str]] = []
    monkeypatch.setattr(cli, "run_pytest", lambda args: forwarded.append(args) or 0)
    cli.main(["run", "--cli=kaizen-agentic=pkg.cli:app", "--cli=edge=pkg.edge:cli", "-q"])
    (args,) = forwarded
    assert "--kaizen-cli=kaizen-agentic=pkg.cli:app" in args
    assert "--kaizen-cli=edge=pkg.edge:cli" in args
