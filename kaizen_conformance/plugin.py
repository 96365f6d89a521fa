"""pytest entry point of kaizen-conformance (registered under ``pytest11``).

pytest loads this module for every run of every project that installs the kit, so it only
declares options and hooks; the suite, the cases and the adapters are imported when the
kit's own checks are collected.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest.nodes import Collector

_SUITE_DIR = Path(__file__).resolve().parent / "suite"


def pytest_addoption(parser: pytest.Parser) -> None:
    from kaizen_conformance.core.options import OPTIONS

    group = parser.getgroup("kaizen", "kaizen-conformance (kaizen scheduling contract v1)")
    for option in OPTIONS:
        if option.kind == "switch":
            group.addoption(
                option.flag, action="store_true", default=None, dest=option.dest, help=option.help
            )
            parser.addini(option.ini, help=option.help, type="bool", default=False)
        elif option.repeatable:
            group.addoption(
                option.flag,
                action="append",
                dest=option.dest,
                default=None,
                type=option.parse,
                metavar=option.metavar or "VALUE",
                help=option.help,
            )
            parser.addini(option.ini, help=option.help, type="linelist", default=[])
        else:
            group.addoption(
                option.flag,
                action="store",
                dest=option.dest,
                default=None,
                type=option.parse,
                choices=option.choices or None,
                metavar={"setting": "VALUE"}.get(option.kind, option.kind.upper()),
                help=option.help,
            )
            parser.addini(option.ini, help=option.help, default=None)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, args: list[str]) -> None:
    """A mistyped ``--kaizen-*`` option gets its correction, before pytest's bare
    "unrecognized arguments" can (the check is a scan of the arguments, cheap for every run)."""
    if any(arg.startswith("--kaizen-") for arg in args):
        from kaizen_conformance.session.spelling import check_flags

        check_flags(args)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "kaizen(role, rules, case, level): a kaizen conformance check (added by the kit)"
    )
    config.addinivalue_line(
        "markers",
        "kaizen_explore(role): a role's exploration beyond the golden cases (--kaizen-explore)",
    )
    from kaizen_conformance.session import hooks

    hooks.configure(config)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Calls still running ahead (a run stopped early) end before anything is reported."""
    from kaizen_conformance.session import lookahead

    lookahead.finish(session.config)


def pytest_unconfigure(config: pytest.Config) -> None:
    from kaizen_conformance.session import lifecycle

    lifecycle.finish(config)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist, in the controller: what a worker needs from the controller's configure."""
    from kaizen_conformance.session import lifecycle

    lifecycle.configure_node(node.config, node.workerinput)


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    from kaizen_conformance.session import hooks

    return hooks.report_header(config)


def pytest_collect_file(file_path: Path, parent: Collector) -> Any:
    """Collect the kit's suite modules even where a project's ``python_files`` would not."""
    if (
        file_path.parent != _SUITE_DIR
        or not file_path.name.startswith("test_")
        or file_path.suffix != ".py"
    ):
        return None
    from kaizen_conformance.session import hooks

    return hooks.collect_suite_file(file_path, parent)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: Collector, name: str, obj: object) -> Any:
    role = getattr(obj, "_kaizen_role", None)
    if role is None:
        return None
    from kaizen_conformance.session import hooks

    return hooks.make_items(collector, name, obj, role)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """A kit item's setup: a role whose run is set up wrong stops at one configuration error
    (an exploration item's too: it explores nothing on a role that cannot be judged)."""
    if (
        item.get_closest_marker("kaizen") is None
        and item.get_closest_marker("kaizen_explore") is None
    ):
        return (yield)
    from kaizen_conformance.session import hooks

    return (yield from hooks.guarded_setup(item))


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    from kaizen_conformance.session import hooks

    hooks.require_a_role(config, items)
