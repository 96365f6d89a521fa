"""``kaizen-agentic schedule prepare|validate|init|list``: a Typer CLI as a team would write it.

Each command delegates to the kit's reference implementation, so the CLI conforms, and the kit
must judge it the same whether it runs as a command or in-process through ``--kaizen-cli``
(tests/test_cli_apps.py, benchmarks/bench_kaizen_agentic.py). Its console script would be
``kaizen-agentic = consumers.kaizen_agentic.cli:app``; ``script(directory)`` writes one.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer

from kaizen_conformance.reference import manifest_tools
from kaizen_conformance.reference import prepare as reference_prepare

app = typer.Typer(add_completion=False, no_args_is_help=True, help="kaizen agents, scheduled")
schedule = typer.Typer(no_args_is_help=True, help="the opt-in manifest .kaizen/schedule.yml")
app.add_typer(schedule, name="schedule")


@schedule.command()
def prepare(agent: str, repo: str) -> None:
    """Print AGENT's kaizen.schedule.prepared event for REPO."""
    try:
        event = reference_prepare.prepare(repo, agent)
    except (reference_prepare.PrepareError, OSError) as exc:
        typer.echo(f"prepare: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(event, ensure_ascii=False))


@schedule.command()
def validate(repo: str) -> None:
    """Exit 0 when REPO's manifest is valid, 1 with the reason on stderr when not."""
    try:
        manifest_tools.validate(repo)
    except manifest_tools.ScheduleInvalid as exc:
        typer.echo(f"schedule validate: {exc}", err=True)
        raise typer.Exit(1) from None


@schedule.command()
def init(repo: str) -> None:
    """Write REPO/.kaizen/schedule.yml; exit 1 when one exists."""
    try:
        manifest_tools.init(repo)
    except OSError as exc:
        typer.echo(f"schedule init: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{Path(repo) / '.kaizen' / 'schedule.yml'}: written")


@schedule.command("list")
def list_agents(
    repo: str,
    as_json: bool = typer.Option(False, "--json", help="one JSON array (the only output)"),
) -> None:
    """Print REPO's agents as one JSON array."""
    try:
        agents = manifest_tools.list_agents(repo)
    except manifest_tools.ScheduleInvalid as exc:
        typer.echo(f"schedule list: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(agents, ensure_ascii=False))


RECIPE = (
    "--kaizen-prepare-cmd=kaizen-agentic schedule prepare {agent} {repo}",
    "--kaizen-validate-cmd=kaizen-agentic schedule validate {repo}",
    "--kaizen-init-cmd=kaizen-agentic schedule init {repo}",
    "--kaizen-list-cmd=kaizen-agentic schedule list --json {repo}",
)
IN_PROCESS = "--kaizen-cli=kaizen-agentic=consumers.kaizen_agentic.cli:app"


def script(
    directory: Path,
    module: str = "consumers.kaizen_agentic.cli",
    name: str = "kaizen-agentic",
    attribute: str = "app",
) -> Path:
    """Write ``directory/name``, the console script pip would make for ``module:attribute``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(
        f"#!{sys.executable}\nimport sys\nfrom {module} import {attribute}\n\n"
        f"if __name__ == '__main__':\n    sys.exit({attribute}())\n",
        encoding="utf-8",
    )
    path.chmod(0o755)
    return path


def path_with(directory: Path) -> str:
    """$PATH with ``directory`` first."""
    return os.pathsep.join([str(directory), os.environ.get("PATH", "")])
