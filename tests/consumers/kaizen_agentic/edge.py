"""``edge``: a Click program that does what the kit must report alike in both forms.

Exit statuses of every kind, usage errors, tracebacks, text on both streams; a hang, an
allocation without bound, and a process left running. ``EDGE_PIDS`` names the file where
``spawn`` writes the pid of what it leaves behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings

import click

from kaizen_conformance.reference import manifest_tools


@click.group()
def cli() -> None:
    """Edge cases of a program's life."""


@cli.command("exit")
@click.argument("code", type=int)
def exit_with(code: int) -> None:
    """Print on both streams, then exit with CODE."""
    click.echo("to stdout")
    click.echo("to stderr", err=True)
    sys.exit(code)


@cli.command("text-exit")
def text_exit() -> None:
    """sys.exit with a message: the interpreter prints it on stderr and exits 1."""
    sys.exit("schedule.yml: refused by sys.exit")


@cli.command("fail")
@click.argument("repo")
def fail(repo: str) -> None:
    """An uncaught exception: a traceback and exit 1."""
    raise RuntimeError(f"{repo}/.kaizen/schedule.yml: cannot go on")


@cli.command("abort")
def abort() -> None:
    """Click's own error: 'Error: ...' on stderr and exit 1."""
    raise click.ClickException("schedule.yml is not there")


@cli.command("warn")
def warn() -> None:
    """A warning and a log record reach stderr, as in a fresh interpreter."""
    warnings.warn("schedule.yml: an old key", UserWarning, stacklevel=1)
    import logging

    logging.getLogger("edge").warning("schedule.yml: logged")


@cli.command("bytes")
def write_bytes() -> None:
    """UTF-8 through the binary buffer, then text: order and bytes kept."""
    sys.stdout.buffer.write("dépôt ✓\n".encode())
    sys.stdout.flush()
    print("après")


@cli.command("environment")
def environment() -> None:
    """What a command sees: its directory, its stdin, its argv."""
    click.echo(os.getcwd())
    click.echo(repr(sys.stdin.read()))
    click.echo(" ".join(sys.argv[1:]))


@cli.command("hang")
@click.argument("repo")
def hang(repo: str) -> None:
    """Never answer."""
    while True:
        time.sleep(1)


@cli.command("hog")
@click.argument("repo")
def hog(repo: str) -> None:
    """Allocate without bound."""
    kept = []
    while True:
        kept.append(bytearray(32 << 20))


@cli.command("spawn")
@click.argument("repo")
def spawn(repo: str) -> None:
    """Init the checkout, leaving a daemon behind (its pid in $EDGE_PIDS)."""
    daemon = subprocess.Popen(
        ["sleep", "300"],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(os.environ["EDGE_PIDS"], "a", encoding="utf-8") as pids:
        pids.write(f"{daemon.pid}\n")
    try:
        manifest_tools.init(repo)
    except OSError as exc:
        click.echo(f"schedule init: {exc}", err=True)
        sys.exit(1)
