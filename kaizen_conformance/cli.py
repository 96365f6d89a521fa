"""The ``kaizen-conformance`` command: the catalogue and fixture tooling without remembering flags.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kaizen_conformance import __version__, contract
from kaizen_conformance.core.options import OPTIONS
from kaizen_conformance.reports.compare_load import MAX_REPORT_BYTES


def cmd_rules(args: argparse.Namespace) -> int:
    if args.markdown:
        from kaizen_conformance.roles.registry import contract_document

        sys.stdout.write(contract_document())
        return 0
    for rule in contract.catalogue().values():
        if args.role and rule.role != args.role:
            continue
        if args.profile and args.profile not in rule.profiles:
            continue
        print(f"{rule.id}  {rule.level:<6} {rule.role:<9} {','.join(rule.profiles):<6} {rule.text}")
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    """Print the hub's OpenAPI document for a profile (the v1 one is derived from v2's)."""
    from kaizen_conformance.contract.openapi import text

    sys.stdout.write(text(args.profile))
    return 0


def cmd_new_case(args: argparse.Namespace) -> int:
    """Scaffold DIR/<role>/<name>/ from the role's template and say the command that runs it.

    From the kit's source checkout DIR defaults to the kit's own fixtures/ (the case ships with
    the kit). An installed kit's fixtures are read-only, so there DIR defaults to
    ./kaizen-cases, a directory of extra cases that ``--kaizen-extra-cases`` runs on top of the
    shipped ones.
    """
    import re
    import shlex
    import shutil

    from kaizen_conformance.cases import locations
    from kaizen_conformance.cases.loading import EXTRA_ROLES
    from kaizen_conformance.contract.catalogue import CONTRACT_DIR

    templates = CONTRACT_DIR / "templates"
    template = templates / f"{args.role}.case.yml"
    if not template.is_file():
        known = sorted(p.name.removesuffix(".case.yml") for p in templates.glob("*.case.yml"))
        print(
            f"kaizen-conformance: no case template for role {args.role!r}; roles with one: {', '.join(known)}",
            file=sys.stderr,
        )
        return 2
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.name):
        print(
            f"kaizen-conformance: case name {args.name!r}: use lower-case letters, digits and dashes",
            file=sys.stderr,
        )
        return 2
    source_tree = locations.is_source_checkout()
    kit_fixtures = locations.fixtures_dir()
    if args.into is not None:
        into = Path(args.into).resolve()
    else:
        into = kit_fixtures if source_tree else Path("kaizen-cases").resolve()
    shipped = into == kit_fixtures
    refusal = read_only_into(into, kit_fixtures, source_tree)
    if refusal:
        print(
            f"kaizen-conformance: --into {into} {refusal}; give --into DIR outside the kit "
            "(such as --into kaizen-cases) and run the case with --kaizen-extra-cases=DIR",
            file=sys.stderr,
        )
        return 2
    if not shipped and args.role not in EXTRA_ROLES:
        print(
            f"kaizen-conformance: extra cases can be added for {', '.join(EXTRA_ROLES)}, not {args.role}",
            file=sys.stderr,
        )
        return 2
    if into.exists() and not into.is_dir():
        print(f"kaizen-conformance: --into {into} is a file; give a directory", file=sys.stderr)
        return 2
    target = into / args.role / args.name
    if target.exists():
        print(f"kaizen-conformance: {target} already exists; choose another name", file=sys.stderr)
        return 2
    target.mkdir(parents=True)
    (target / "case.yml").write_text(
        template.read_text(encoding="utf-8").replace("{name}", args.name), encoding="utf-8"
    )
    repos = templates / f"{args.role}.repos"
    if repos.is_dir():
        shutil.copytree(repos, target / "repos")
    # [name] selects this case's items only: a bare name also matches every case id it is part of.
    # One case leaves most rules unchecked: without --kaizen-allow-incomplete that run exits 1.
    command = ["pytest", "--pyargs", "kaizen_conformance", "--kaizen-reference"]
    if not shipped:
        command.append(f"--kaizen-extra-cases={into}")
    command += ["--kaizen-allow-incomplete", "-k", f"[{args.name}]"]
    print(f"created {target / 'case.yml'}")
    print(f"edit it, then run it against the reference: {shlex.join(command)}")
    if not shipped:
        print(f"lint it: kaizen-conformance check-fixtures {shlex.quote(str(into))}")
    return 0


def read_only_into(into: Path, kit_fixtures: Path, source_tree: bool) -> str:
    """Why ``new-case --into`` must not write at ``into`` (resolved), or "".

    An installed kit's package (its fixtures included) is replaced by every upgrade and may be
    shared by every project of the machine: a case scaffolded there is lost, or run by others.
    """
    from kaizen_conformance.cases import locations

    if not source_tree and into.is_relative_to(kit_fixtures.resolve()):
        return f"is inside the installed kit's fixtures {kit_fixtures}, which are read-only"
    if into.is_relative_to(locations.PACKAGE_DIR):
        return f"is inside the kit's package {locations.PACKAGE_DIR}, which an install or upgrade replaces"
    return ""


def cmd_run(args: argparse.Namespace, extra: list[str]) -> int:
    """``pytest --pyargs kaizen_conformance`` with the kit's options spelt without the prefix."""
    forwarded = ["--pyargs", "kaizen_conformance"]
    for option in OPTIONS:
        value = getattr(args, option.dest)
        if option.kind == "switch":
            if value:
                forwarded.append(option.flag)
        elif option.repeatable:
            forwarded.extend(f"{option.flag}={each}" for each in value or ())
        elif value is not None:
            forwarded.append(f"{option.flag}={value}")
    return int(run_pytest(forwarded + extra))


def run_pytest(args: list[str]) -> int:
    """pytest in this process, its usage errors under this command's name.

    ``pytest.main()`` names itself in usage errors ("pytest.main(): error: unrecognized
    arguments"), which tells a user of ``kaizen-conformance run`` nothing. pytest 9.1 and later
    take the program's name in ``_pytest.config._main``; where that is missing, or has another
    signature, the public ``pytest.main`` runs as before.
    """
    import inspect

    import pytest
    from _pytest import config as pytest_config

    main = getattr(pytest_config, "_main", None)
    if main is not None and "prog" in inspect.signature(main).parameters:
        return int(main(args=args, plugins=None, prog="kaizen-conformance run"))
    return int(pytest.main(args))


def cmd_check_fixtures(args: argparse.Namespace) -> int:
    """Lint the fixture tree: every problem, each naming its file, JSON path and fix; non-zero if any."""
    import os

    from kaizen_conformance.cases.loading import FIXTURES_ENV

    given = args.directory or args.fixtures
    if args.directory and args.fixtures:
        print(
            "kaizen-conformance: give the directory once (DIR or --fixtures DIR)", file=sys.stderr
        )
        return 2
    from kaizen_conformance.cases.lint import lint, lint_extra
    from kaizen_conformance.cases.loading import EXTRA_ROLES
    from kaizen_conformance.roles.registry import lint_coverage

    if given:
        directory = Path(given).resolve()
        if not directory.is_dir():
            print(f"kaizen-conformance: {given} is not a directory", file=sys.stderr)
            return 2
        if not (directory / "manifests" / "corpus.yml").is_file() and any(
            (directory / role).is_dir() for role in EXTRA_ROLES
        ):
            return print_lint(lint_extra(directory))  # extra cases, against the kit's own fixtures
        os.environ[FIXTURES_ENV] = str(directory)  # every loader, of every role, reads this tree
    report = lint()
    if report.is_fixture_tree:
        lint_coverage(report)  # every rule of every role has a case: needs the roles' collection
    return print_lint(report)


def print_lint(report: Any) -> int:
    """Every problem, then one line of counts; 1 when there is any problem."""
    for problem in report.problems:
        print(problem)
    for note in report.notes:
        print(f"note: {note}")
    counts = ", ".join(f"{count} {what}" for what, count in report.counts.items())
    if report.problems:
        print(f"check-fixtures: {len(report.problems)} problem(s) ({counts})")
        return 1
    print(f"check-fixtures: OK ({counts})")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Many teams' --kaizen-report files on one page (HTML), in Markdown and as JSON.

    A file that cannot be compared is one line on stderr and on the page, which is made from the
    others (exit 1: the page is not the whole fleet); with nothing left to compare, nothing is
    written (exit 2)."""
    from pathlib import Path

    from kaizen_conformance.reports.compare import compare, load_reports, write_outputs

    reading = load_reports(args.reports)
    for line in [*reading.notes, *map(str, reading.unread)]:
        print(f"kaizen-conformance compare: {line}", file=sys.stderr)
    if not reading.reports:
        if not reading.unread:
            print(
                "kaizen-conformance compare: no reports given: name --kaizen-report files or "
                "directories of them",
                file=sys.stderr,
            )
        return 2
    comparison = compare(reading.reports, contract_url=args.contract_url, unread=reading.unread)
    try:
        paths = write_outputs(comparison, Path(args.output))
    except OSError as exc:
        print(
            f"kaizen-conformance compare: -o {args.output}: cannot write ({exc.strerror or exc}); "
            "give a writable directory",
            file=sys.stderr,
        )
        return 2
    for path in paths:
        print(f"wrote {path}")
    if reading.unread:
        print(
            f"kaizen-conformance compare: {len(reading.unread)} file(s) could not be compared "
            "(listed on the page); the page shows the others",
            file=sys.stderr,
        )
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kaizen-conformance", description="kaizen scheduling contract v1 tools"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    rules = commands.add_parser("rules", help="list the rule catalogue")
    rules.add_argument("--role", choices=contract.ROLE_ORDER)
    rules.add_argument("--profile", choices=contract.PROFILES)
    rules.add_argument("--markdown", action="store_true", help="print docs/CONTRACT.md")
    rules.set_defaults(run=cmd_rules)
    openapi = commands.add_parser(
        "openapi", help="print the hub's OpenAPI document for a profile (openapi-v1.json is v1's)"
    )
    openapi.add_argument("profile", choices=contract.PROFILES)
    openapi.set_defaults(run=cmd_openapi)
    new_case = commands.add_parser("new-case", help="scaffold a fixture case directory for a role")
    new_case.add_argument("role", help="the role the case is for (resolver, ...)")
    new_case.add_argument("name", help="the case id: lower-case letters, digits and dashes")
    new_case.add_argument(
        "--into",
        "--fixtures",
        dest="into",
        default=None,
        metavar="DIR",
        help="where to create ROLE/NAME/ (default: the kit's fixtures/ in its source checkout, "
        "else ./kaizen-cases, to run with --kaizen-extra-cases=DIR)",
    )
    new_case.set_defaults(run=cmd_new_case)
    check = commands.add_parser(
        "check-fixtures",
        help="lint every fixture: schemas, rule ids, files, placeholders, coverage",
    )
    check.add_argument(
        "directory",
        nargs="?",
        default=None,
        help="a fixtures tree, or a directory of extra cases (DIR/resolver/NAME/case.yml)",
    )
    check.add_argument(
        "--fixtures",
        default=None,
        help="the fixtures directory to lint (default: the kit's own, or $KAIZEN_CONFORMANCE_FIXTURES)",
    )
    check.set_defaults(run=cmd_check_fixtures)
    compare = commands.add_parser(
        "compare",
        help="put many --kaizen-report files side by side: index.html, compare.md, compare.json",
        description="Rules x implementations per role, the newest report of each implementation "
        "as a column, with a history for implementations given more than once. Only regular "
        f"files of at most {MAX_REPORT_BYTES // (1024 * 1024)} MiB are read; a file that cannot "
        "be compared is named on stderr and on the page, which is made from the others (exit "
        "status 1; 2 when none can be compared).",
    )
    compare.add_argument(
        "reports", nargs="+", help="--kaizen-report JSON files, or directories holding them"
    )
    compare.add_argument(
        "-o",
        "--output",
        default="kaizen-compare",
        help="output directory (default: kaizen-compare)",
    )
    compare.add_argument(
        "--contract-url",
        default="CONTRACT.md",
        help="where rule links point, each rule at #<id> (e.g. https://github.com/ORG/kaizen-conformance/blob/main/docs/CONTRACT.md); "
        "default CONTRACT.md, a copy written beside the page",
    )
    compare.set_defaults(run=cmd_compare)
    run = commands.add_parser(
        "run",
        help="run the conformance suite (options as in pytest, without the --kaizen- prefix)",
        description="Everything not listed here is passed on to pytest, e.g. -k RES-002 or -n 2.",
    )
    for option in OPTIONS:
        flag = "--" + option.flag.removeprefix("--kaizen-")
        if option.kind == "switch":
            run.add_argument(flag, dest=option.dest, action="store_true", help=option.help)
        else:
            # checked here, by the same parsers as the plugin's, so that a bad value is this
            # command's error, not one from inside pytest.main()
            run.add_argument(
                flag,
                dest=option.dest,
                default=None,
                type=option.parse,
                choices=option.choices or None,
                help=option.help,
                action="append" if option.repeatable else "store",
            )
    run.set_defaults(run=cmd_run)
    return parser


def run_flags() -> dict[str, str]:
    """``--resolver`` -> ``--kaizen-resolver``: the options of ``run``, as it spells them."""
    return {"--" + option.flag.removeprefix("--kaizen-"): option.flag for option in OPTIONS}


def pytest_flags() -> set[str]:
    """Every option pytest and its installed plugins know (slow: asked only for a suspect flag)."""
    from _pytest.config import get_config

    config = get_config([])
    config.pluginmanager.load_setuptools_entrypoints("pytest11")
    parser = config._parser
    return {
        name
        for group in [parser._anonymous, *parser._groups]
        for o in group.options
        for name in o.names()
    }


def mistyped_run_option(extra: list[str]) -> str:
    """What is wrong with an argument ``run`` passes on to pytest that is neither pytest's nor a
    plugin's, but close to one of ``run``'s own options (``--resolvr``); "" when none is.

    Without it pytest refuses ``--resolvr`` with a bare "unrecognized arguments"; an argument
    close to nothing of ``run``'s is left for pytest to judge.
    """
    from kaizen_conformance.session.spelling import suggestion

    own = run_flags()
    suspects = []
    for arg in extra:
        if arg == "--":
            break
        flag = arg.split("=", 1)[0]
        if flag.startswith("--") and suggestion(flag, own):
            suspects.append(flag)
    if not suspects:
        return ""
    try:
        known = pytest_flags()
    except (AttributeError, ImportError, TypeError):  # pytest internals moved: pytest judges
        return ""
    for flag in suspects:
        if flag not in known:
            return (
                f"{flag} is not an option of this command nor of pytest{suggestion(flag, own)} "
                "(kaizen-conformance run --help lists them)"
            )
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "run":
        mistyped = mistyped_run_option(extra)
        if mistyped:
            print(f"kaizen-conformance run: error: {mistyped}", file=sys.stderr)
            return 4  # pytest's usage error, as pytest itself would end
        return cmd_run(args, extra)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
