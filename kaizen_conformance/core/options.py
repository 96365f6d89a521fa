"""Every command-line option of the kit, as data, with its ini twin.

The table mirrors section 5 of the contract, which fixes these names so that every user's CI
can rely on them. Values stay strings (picklable for pytest-xdist workers); they are turned
into callables and commands lazily, only when the kit's suite actually runs.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass

from kaizen_conformance.core.vocabulary import OptionKind, is_target_kind

# Replaces the kit's whole fixture tree (cases/loading.py reads it); an environment variable,
# so that it reaches pytest-xdist workers and ``check-fixtures`` alike. Here, with the options,
# because the session checks it at configure without importing the case loaders.
FIXTURES_ENV = "KAIZEN_CONFORMANCE_FIXTURES"

IMPORT_SPEC = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


def import_spec(value: str) -> str:
    """argparse ``type=`` for ``module:attribute`` values: fail at parse time, with an example."""
    if not IMPORT_SPEC.match(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not of the form module:attribute (for example mypkg.resolver:discover)"
        )
    return value


CLI_SPEC = re.compile(r"^([^=\s{}]+)=([A-Za-z_][\w.]*:[A-Za-z_][\w.]*)$")


def cli_spec(value: str) -> str:
    """argparse ``type=`` for ``--kaizen-cli``: ``PROGRAM=module:attribute``, with an example."""
    if not CLI_SPEC.match(value.strip()):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not of the form PROGRAM=module:attribute (for example "
            "kaizen-agentic=kaizen_agentic.cli:app: the program the -cmd templates run, and the "
            "Click or Typer app it is)"
        )
    return value.strip()


def profile(value: str) -> str:
    if value not in ("v1", "v2"):
        raise argparse.ArgumentTypeError(f"{value!r} is not a profile; choose v1 or v2")
    return value


def positive_seconds(value: str) -> str:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds between 0 and 3600")
    return value


def whole_number(value: str, low: int, high: int, unit: str, example: str = "") -> str:
    """``value`` when it is a whole number of ``unit`` from ``low`` to ``high``, else argparse's error."""
    for_example = f" (for example {example})" if example else ""
    problem = argparse.ArgumentTypeError(
        f"{value!r} is not a number of {unit} between {low} and {high}{for_example}"
    )
    try:
        number = int(value)  # a digit int() cannot read ('²') is no number either
    except ValueError:
        raise problem from None
    if not low <= number <= high:
        raise problem
    return value.strip()


def memory_mib(value: str) -> str:
    """argparse ``type=`` for a memory budget: whole MiB, 64 to 1048576 (1 TiB)."""
    return whole_number(value, 64, 1 << 20, "MiB", "2048")


def job_count(value: str) -> str:
    """argparse ``type=`` for ``--kaizen-jobs``: ``auto`` (session.lookahead.jobs) or 1 to 64."""
    if value.strip().lower() == "auto":
        return "auto"
    return whole_number(value, 1, 64, "calls at once", "2, or auto")


def text(value: str) -> str:
    return value


def example_count(value: str) -> str:
    """argparse ``type=`` for an exploration budget: a whole number of examples, 1 to 100000."""
    return whole_number(value, 1, 100_000, "examples")


def seed_value(value: str) -> str:
    """argparse ``type=`` for an exploration seed: a whole number, so a run can be repeated."""
    try:
        int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a seed; give a whole number such as 12345"
        ) from None
    return value.strip()


@dataclass(frozen=True)
class Option:
    """One ``--kaizen-*`` flag; its ini twin drops the dashes (``kaizen_resolver_cmd``)."""

    flag: str
    role: str  # the role it configures, or "kit"
    kind: OptionKind
    help: str
    parse: Callable[[str], str] = text
    default: str | None = None
    choices: tuple[str, ...] = ()
    # given any number of times (its ini twin one value a line); its value is then a tuple
    repeatable: bool = False
    metavar: str = ""

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")

    @property
    def ini(self) -> str:
        return self.dest

    @property
    def attribute(self) -> str:
        """Its attribute of ``Settings.options``: ``--kaizen-hub-seed`` is ``hub_seed``."""
        return self.dest.removeprefix("kaizen_")


OPTIONS: tuple[Option, ...] = (
    Option(
        "--kaizen-resolver",
        "resolver",
        "callable",
        "resolver under test, module:function called function(hub_url, hostname, domain=None)",
        import_spec,
    ),
    Option(
        "--kaizen-resolver-cmd",
        "resolver",
        "command",
        "resolver under test as a command: 'CMD {hub_url} {hostname} {domain}', prints a JSON array",
    ),
    Option(
        "--kaizen-resolver-profile",
        "resolver",
        "profile",
        "profile the resolver claims: v1 (the file decides) or v2 (hub flag pre-filter); default v2",
        profile,
        "v2",
        ("v1", "v2"),
    ),
    Option(
        "--kaizen-hub-app",
        "hub",
        "app",
        "hub under test in-process, module:attr naming an ASGI or WSGI app",
        import_spec,
    ),
    Option(
        "--kaizen-hub-app-kind",
        "hub",
        "setting",
        "force how --kaizen-hub-app is driven when detection gets it wrong: asgi or wsgi",
        text,
        None,
        ("asgi", "wsgi"),
    ),
    Option("--kaizen-hub-url", "hub", "url", "base URL of a running hub under test"),
    Option(
        "--kaizen-hub-seed",
        "hub",
        "seed",
        "module:function called function(app_or_url, records) to replace the hub's data",
        import_spec,
    ),
    Option(
        "--kaizen-hub-seed-cmd",
        "hub",
        "seed",
        "seed command for a hub at --kaizen-hub-url: 'CMD {hub_url}', gets the records as a JSON "
        "array on stdin and replaces the hub's data with them",
    ),
    Option(
        "--kaizen-hub-profile",
        "hub",
        "profile",
        "profile the hub claims: v1 or v2 (flag fields and filter); default v2",
        profile,
        "v2",
        ("v1", "v2"),
    ),
    Option(
        "--kaizen-prepare",
        "prepare",
        "callable",
        "prepare under test, module:function called function(repo, agent), returns the event",
        import_spec,
    ),
    Option(
        "--kaizen-prepare-cmd",
        "prepare",
        "command",
        "prepare under test as a command: 'CMD {agent} {repo}', prints the event on stdout",
    ),
    Option(
        "--kaizen-validate",
        "validate",
        "callable",
        "validate under test, module:function called function(repo); returns on valid, raises on invalid",
        import_spec,
    ),
    Option(
        "--kaizen-validate-cmd",
        "validate",
        "command",
        "validate under test as a command: 'CMD {repo}', exit 0 valid, non-zero invalid",
    ),
    Option(
        "--kaizen-init",
        "init",
        "callable",
        "init under test, module:function called function(repo)",
        import_spec,
    ),
    Option(
        "--kaizen-init-cmd",
        "init",
        "command",
        "init under test as a command: 'CMD {repo}', exit 0 when it wrote the scaffold",
    ),
    Option(
        "--kaizen-list",
        "list",
        "callable",
        "schedule list under test, module:function called function(repo); returns the agents",
        import_spec,
    ),
    Option(
        "--kaizen-list-cmd",
        "list",
        "command",
        "schedule list under test as a command: 'CMD {repo}', prints one JSON array of the agents",
    ),
    Option(
        "--kaizen-cli",
        "kit",
        "setting",
        "PROGRAM=module:app: a -cmd template whose program is PROGRAM runs that Click or Typer app "
        "in-process instead (same argv, stdin, stdout, stderr and exit status; faster); repeatable",
        cli_spec,
        repeatable=True,
        metavar="PROGRAM=MODULE:APP",
    ),
    Option(
        "--kaizen-reference",
        "kit",
        "switch",
        "configure every role not set explicitly with the kit's bundled reference implementations",
    ),
    Option(
        "--kaizen-timeout",
        "kit",
        "setting",
        "per-call time limit in seconds for any implementation call; default 15",
        positive_seconds,
        "15",
    ),
    Option(
        "--kaizen-memory",
        "kit",
        "setting",
        "memory budget in MiB for any implementation call (a command, or an in-process call in its "
        "own process); a call that needs more is stopped and fails over-limit; default 2048",
        memory_mib,
        "2048",
    ),
    Option(
        "--kaizen-jobs",
        "kit",
        "setting",
        "implementation calls in flight at once: while the kit judges one case, the calls of the "
        "next run ahead in their own processes (in-process roles; 1 runs one call at a time); "
        "default auto: the cores plus one, within the memory the machine has at --kaizen-memory "
        "each",
        job_count,
        "auto",
    ),
    Option("--kaizen-strict", "kit", "switch", "SHOULD rules that are not met fail the run"),
    Option(
        "--kaizen-allow-incomplete",
        "kit",
        "switch",
        "exit 0 when a role is INCOMPLETE (rules deselected or skipped); without it INCOMPLETE exits 1",
    ),
    Option(
        "--kaizen-require-offline-sandbox",
        "kit",
        "switch",
        "a prepare, validate or list command that this machine can hold offline only with the "
        "Python audit hook (no network namespace, no seccomp filter) is a configuration error",
    ),
    Option(
        "--kaizen-report",
        "kit",
        "file",
        "write the machine-readable conformance report (JSON, schema report.schema.json) to FILE",
    ),
    Option(
        "--kaizen-report-md",
        "kit",
        "file",
        "write a Markdown summary to FILE (also appended to $GITHUB_STEP_SUMMARY when that is set)",
    ),
    Option(
        "--kaizen-badge",
        "kit",
        "file",
        "write a shields.io endpoint badge (JSON) to FILE; '{role}' in FILE gives one badge per role",
    ),
    Option(
        "--kaizen-expectations",
        "kit",
        "file",
        "YAML file of known failures keyed by rule id, case id or rule[case]; they report as expected "
        "failures, and one that passes fails the run",
    ),
    Option(
        "--kaizen-rerun-failed",
        "kit",
        "file",
        "run only the cases of the rules that failed in a previous --kaizen-report FILE",
    ),
    Option(
        "--kaizen-explore",
        "kit",
        "switch",
        "also explore beyond the golden cases with Hypothesis (every configured role of resolver, "
        "hub, prepare, validate and list); needs pip install 'kaizen-conformance[explore]'; "
        "reported apart from the golden verdicts",
    ),
    Option(
        "--kaizen-explore-examples",
        "kit",
        "setting",
        "how many examples exploration draws per role; default 200",
        example_count,
        "200",
    ),
    Option(
        "--kaizen-explore-seed",
        "kit",
        "setting",
        "seed of exploration: the same seed draws the same examples; default 0",
        seed_value,
        "0",
    ),
    Option(
        "--kaizen-explore-out",
        "kit",
        "setting",
        "directory where each failure exploration finds is written, shrunk, as a ready fixture case "
        "(DIR/<role>/<id>/case.yml)",
    ),
    Option(
        "--kaizen-explore-strict",
        "kit",
        "switch",
        "a failure exploration finds makes the role DOES NOT CONFORM and fails the run",
    ),
    Option(
        "--kaizen-extra-cases",
        "kit",
        "directory",
        "also run the cases under DIR (DIR/resolver/NAME/case.yml, as `kaizen-conformance new-case "
        "--into DIR` makes them) on top of the kit's own; a relative ini value is read from the ini "
        "file's directory",
    ),
    Option(
        "--kaizen-hub-double",
        "kit",
        "setting",
        "how in-process resolvers reach the mocked hub: respx (patches httpx) or server (127.0.0.1)",
        text,
        "respx",
        ("respx", "server"),
    ),
    Option(
        "--kaizen-implementation-name",
        "kit",
        "setting",
        "the implementation's name in the reports, as `kaizen-conformance compare` shows it; "
        "default: from the target (its package, module, command or URL)",
    ),
    Option(
        "--kaizen-implementation-version",
        "kit",
        "setting",
        "the implementation's version or commit in the reports (e.g. $GITHUB_SHA); "
        "default: the installed version of the target's package, when there is one",
    ),
)

ROLES: tuple[str, ...] = ("hub", "resolver", "prepare", "validate", "init", "list")


def role_options(role: str) -> list[Option]:
    return [option for option in OPTIONS if option.role == role]


def usage_lines() -> list[str]:
    """The options that configure a role, for the 'nothing configured' usage error."""
    lines = []
    for role in ROLES:
        flags = [o.flag for o in role_options(role) if is_target_kind(o.kind)]
        lines.append(f"  {role:<9} {' | '.join(flags)}")
    lines.append("  all roles --kaizen-reference (the kit's own reference implementations)")
    return lines


def unconfigured_reason(role: str) -> str:
    flags = " or ".join(o.flag for o in role_options(role) if is_target_kind(o.kind))
    return f"{role} role not configured (not a pass): give {flags}, or --kaizen-reference"
