"""Turn options (command line, then ini, then --kaizen-reference) into what each role runs."""

from __future__ import annotations

import argparse
import shlex
import string
from typing import Any

import pytest

from kaizen_conformance.core.options import OPTIONS, ROLES, Option, role_options
from kaizen_conformance.core.settings import COMMAND_FIELDS, RoleTarget, Settings
from kaizen_conformance.core.vocabulary import is_target_kind, target_kind


def _value(config: pytest.Config, option: Option) -> tuple[Any, str]:
    cli = config.getoption(option.dest, default=None)
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


def build(config: pytest.Config) -> Settings:
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for option in OPTIONS:
        values[option.dest], origins[option.dest] = _value(config, option)
    profiles = {role: values.get(f"kaizen_{role}_profile") or "v2" for role in ROLES}
    targets: dict[str, RoleTarget] = {}
    for role in ROLES:
        chosen = [
            (o, o.kind) for o in role_options(role) if is_target_kind(o.kind) and values[o.dest]
        ]
        if len(chosen) > 1:
            raise pytest.UsageError(
                f"{' and '.join(origins[o.dest] for o, _ in chosen)} both configure the {role} role; give only one"
            )
        if chosen:
            option, kind = chosen[0]
            targets[role] = RoleTarget(role, kind, values[option.dest], origins[option.dest])
    if values["kaizen_reference"]:
        from kaizen_conformance.reference import reference_for

        for role in ROLES:
            if role not in targets:
                found = reference_for(role, profiles[role])
                if found is not None:
                    targets[role] = RoleTarget(
                        role, target_kind(found[0]), found[1], "--kaizen-reference"
                    )
        hub = targets.get("hub")
        if (
            hub is not None
            and hub.origin == "--kaizen-reference"
            and not values.get("kaizen_hub_seed")
        ):
            from kaizen_conformance.reference import SEEDS

            values["kaizen_hub_seed"] = SEEDS[
                "hub"
            ]  # the reference hub is seeded by its own seed function
    settings = Settings(
        targets=targets,
        profiles=profiles,
        values=values,
        timeout=float(values["kaizen_timeout"]),
        strict=bool(values["kaizen_strict"]),
        hub_double=values["kaizen_hub_double"],
        rootpath=config.rootpath,
    )
    _check_targets(settings)
    if values.get("kaizen_expectations"):
        from kaizen_conformance.reports.expectations import load

        settings.expectations = load(values["kaizen_expectations"], origins["kaizen_expectations"])
    return settings


def _check_targets(settings: Settings) -> None:
    """Fail early, naming the option, on a target that cannot work."""
    from kaizen_conformance.core.targets import TargetError

    for role, target in settings.targets.items():
        if target.kind == "callable":
            try:
                function = settings.implementation(role)
            except TargetError as exc:
                raise pytest.UsageError(f"{target.origin}={target.spec}: {exc}") from None
            if not callable(function):
                raise pytest.UsageError(
                    f"{target.origin}={target.spec}: {type(function).__name__} object is not callable"
                )
        elif target.kind == "command":
            _check_command(role, target)
    if (
        "hub" in settings.targets
        or settings.values.get("kaizen_hub_seed")
        or settings.values.get("kaizen_hub_app_kind")
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
