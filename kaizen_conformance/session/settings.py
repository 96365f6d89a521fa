"""Turn options (command line, then ini, then --kaizen-reference) into what each role runs.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import argparse
import shlex
import string
from dataclasses import replace
from typing import Any

import pytest

from kaizen_conformance.core.options import FIXTURES_ENV, OPTIONS, ROLES, Option, role_options
from kaizen_conformance.core.settings import COMMAND_FIELDS, OptionValues, RoleTarget, Settings
from kaizen_conformance.core.vocabulary import is_target_kind, target_kind


def _value(config: pytest.Config, option: Option) -> tuple[Any, str]:
    cli = config.getoption(option.dest, default=None)
    if option.repeatable:
        return _values(config, option, cli)
    if cli is not None:
        return cli, option.flag
    ini = config.getini(option.ini)
    if option.kind == "switch":
        return (bool(ini), f"ini {option.ini}") if ini else (None, "")
    if ini not in (None, "", []):
        raw = str(ini).strip()
        try:
            option.parse(raw)
        except argparse.ArgumentTypeError as exc:
            raise pytest.UsageError(f"ini option {option.ini} = {raw}: {exc}") from None
        if option.choices and raw not in option.choices:
            raise pytest.UsageError(
                f"ini option {option.ini} = {raw}: choose one of {', '.join(option.choices)}"
            )
        return raw, f"ini {option.ini}"
    return option.default, "default"


def _values(config: pytest.Config, option: Option, cli: list[str] | None) -> tuple[Any, str]:
    """A repeatable option: every value given on the command line, else every line of its ini twin."""
    if cli:
        return tuple(cli), option.flag
    lines = [str(line).strip() for line in config.getini(option.ini) or [] if str(line).strip()]
    for line in lines:
        try:
            option.parse(line)
        except argparse.ArgumentTypeError as exc:
            raise pytest.UsageError(f"ini option {option.ini} = {line}: {exc}") from None
    return (tuple(lines), f"ini {option.ini}") if lines else (None, "default")


def build(config: pytest.Config) -> Settings:
    given: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for option in OPTIONS:
        value, origins[option.attribute] = _value(config, option)
        given[option.attribute] = bool(value) if option.kind == "switch" else value
    options = OptionValues.from_table(given)
    claimed = {o.role: given[o.attribute] for o in OPTIONS if o.kind == "profile"}
    profiles = {role: claimed.get(role) or "v2" for role in ROLES}
    targets: dict[str, RoleTarget] = {}
    for role in ROLES:
        chosen = [
            (o, o.kind) for o in role_options(role) if is_target_kind(o.kind) and given[o.attribute]
        ]
        if len(chosen) > 1:
            raise pytest.UsageError(
                f"{' and '.join(origins[o.attribute] for o, _ in chosen)} both configure the {role} role; give only one"
            )
        if chosen:
            option, kind = chosen[0]
            targets[role] = RoleTarget(
                role, kind, given[option.attribute], origins[option.attribute]
            )
    if options.reference:
        from kaizen_conformance.reference import reference_for

        switch = origins["reference"]  # "--kaizen-reference" or "ini kaizen_reference"
        for role in ROLES:
            if role not in targets:
                found = reference_for(role, profiles[role])
                if found is not None:
                    targets[role] = RoleTarget(role, target_kind(found[0]), found[1], switch)
        hub = targets.get("hub")
        if hub is not None and hub.is_reference and not (options.hub_seed or options.hub_seed_cmd):
            from kaizen_conformance.reference import SEEDS

            # the reference hub is seeded by its own seed function
            options = replace(options, hub_seed=SEEDS["hub"])
            origins["hub_seed"] = switch
    settings = Settings(
        targets=targets,
        profiles=profiles,
        timeout=float(options.timeout),
        memory_mib=int(options.memory),
        strict=options.strict,
        hub_double=options.hub_double,
        rootpath=config.rootpath,
        options=options,
        origins=origins,
    )
    _check_targets(settings)
    _check_explore(settings)
    _check_fixtures(config, settings)
    if options.expectations:
        from kaizen_conformance.reports.expectations import load

        settings.expectations = load(options.expectations, origins["expectations"])
    return settings


def _check_targets(settings: Settings) -> None:
    """Fail early, naming the option, on a target that cannot work."""
    from kaizen_conformance.core.targets import TargetError

    for role, target in settings.targets.items():
        if target.kind == "callable":
            try:
                function = settings.implementation(role)
            except TargetError as exc:
                raise pytest.UsageError(f"{target.named}: {exc}") from None
            if not callable(function):
                raise pytest.UsageError(
                    f"{target.named}: {type(function).__name__} object is not callable"
                )
        elif target.kind == "command":
            _check_command(role, target)
    if settings.options.cli:
        from kaizen_conformance.adapters.cli_apps import CliAppError, check_programs

        try:
            check_programs(settings)
        except CliAppError as exc:
            raise pytest.UsageError(str(exc)) from None
    if (
        "hub" in settings.targets
        or settings.options.hub_seed
        or settings.options.hub_seed_cmd
        or settings.options.hub_app_kind
    ):
        from kaizen_conformance.adapters.hub import check_hub_options

        check_hub_options(
            settings
        )  # app importable and ASGI or WSGI, URL well-formed, seed importable


def _check_command(role: str, target: RoleTarget) -> None:
    try:
        words = shlex.split(target.spec)
    except ValueError as exc:
        raise pytest.UsageError(
            f"{target.origin}={target.spec!r}: cannot split it like a shell: {exc}"
        ) from None
    if not words:
        raise pytest.UsageError(f"{target.origin} is empty; give the command to run")
    allowed = COMMAND_FIELDS.get(role, set())
    for word in words:
        try:
            fields = [name for _, name, _, _ in string.Formatter().parse(word)]
        except ValueError as exc:
            raise pytest.UsageError(
                f"{target.origin}={target.spec!r}: {exc} in {word!r}; write {{{{ and }}}} for literal braces"
            ) from None
        for name in fields:
            if name is not None and name not in allowed:
                raise pytest.UsageError(
                    f"{target.origin}={target.spec!r}: unknown placeholder {{{name}}}; "
                    f"this role's commands may use {', '.join('{' + n + '}' for n in sorted(allowed))}"
                )


def _check_fixtures(config: pytest.Config, settings: Settings) -> None:
    """The fixture trees the run reads exist and are laid out as the kit needs: one usage error
    that names the directory and the fix, before any role collects (and fails on) a missing file.

    The case loaders are imported only when there is a tree to check: a run that does not use
    the kit never imports them.
    """
    import os
    from pathlib import Path

    tree = os.environ.get(FIXTURES_ENV)
    given = settings.options.extra_cases
    if not tree and not given:
        return
    from kaizen_conformance.cases.loading import (
        FixtureError,
        check_extra_tree,
        check_fixture_tree,
    )

    try:
        if tree:
            check_fixture_tree(Path(tree).resolve())
        if given:
            origin = settings.origin("extra_cases")
            # a flag is relative to where pytest was started; an ini value to its ini file
            base = (
                config.inipath.parent
                if origin.startswith("ini ") and config.inipath is not None
                else config.invocation_params.dir
            )
            directory = (base / given).resolve()
            settings.extra_case_ids = check_extra_tree(directory, settings.named("extra_cases"))
            settings.extra_cases = directory
    except FixtureError as exc:
        raise pytest.UsageError(f"kaizen fixture error\n{exc}") from None


EXPLORE_OPTIONS = ("explore_examples", "explore_seed", "explore_out", "explore_strict")


def _check_explore(settings: Settings) -> None:
    """Exploration needs Hypothesis (the ``explore`` extra); its options mean nothing without it.

    ``find_spec`` looks for Hypothesis without importing it: a run that does not explore never
    loads it.
    """
    from importlib.util import find_spec

    options = settings.options
    if not options.explore:
        given = [a for a in EXPLORE_OPTIONS if settings.origins.get(a, "") not in ("", "default")]
        if given:
            raise pytest.UsageError(
                f"{settings.origin(given[0])} has no effect without --kaizen-explore "
                "(or ini kaizen_explore = true); add it, or drop the option"
            )
        return
    if find_spec("hypothesis") is None:
        raise pytest.UsageError(
            f"{settings.origin('explore')} needs Hypothesis, which is not installed. "
            "Install the kit's explore extra: pip install 'kaizen-conformance[explore]'"
        )
