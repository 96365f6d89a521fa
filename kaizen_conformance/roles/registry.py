"""Which module checks which role, and the rule coverage of the cases they collect.

Each role module turns its fixture cases into ``Check`` objects: it is a ``RoleModule``, with
``collect(settings) -> list[Check]``. The session makes pytest items of them and
``check-fixtures`` uses the same collection to demand that every rule has a case.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from kaizen_conformance import contract

if TYPE_CHECKING:
    from kaizen_conformance.cases.lint import Report
    from kaizen_conformance.core.checks import Check, CheckContext
    from kaizen_conformance.core.settings import Settings


@runtime_checkable
class RoleModule(Protocol):
    """What a module of ``SUITES`` is: it turns its role's fixture cases into checks.

    ``collect`` may raise ``FixtureError`` for a case that cannot be loaded; it runs nothing.
    A role module may also have ``preflight(context) -> str``: a configuration mistake of the
    run that no check of the role could judge past, with its fix, or "" (see setup_problem).
    """

    def collect(self, settings: Settings) -> list[Check]: ...


# role -> the RoleModule that turns the role's cases into checks
SUITES: dict[str, str] = {
    "resolver": "kaizen_conformance.roles.resolver",
    "validate": "kaizen_conformance.roles.validate",
    "init": "kaizen_conformance.roles.init",
    "list": "kaizen_conformance.roles.listing",
    "prepare": "kaizen_conformance.roles.prepare",
    "hub": "kaizen_conformance.roles.hub",
}


def suite(role: str) -> RoleModule:
    """The role module of ``role``, imported (only when its checks are collected)."""
    module = importlib.import_module(SUITES[role])
    if not isinstance(module, RoleModule):
        raise TypeError(f"{SUITES[role]} has no collect(settings); it is not a role module")
    return module


def setup_problem(context: CheckContext, role: str) -> str:
    """Why the run, as configured, cannot judge ``role`` at all, with the fix; "" when it can.

    Asked once per role before its first check: a command whose program is missing or not
    executable, an offline sandbox demanded (``--kaizen-require-offline-sandbox``) that the
    machine cannot give, then the role module's own ``preflight`` (the resolver's hub double).
    Each would otherwise fail every check of the role the same way, and say nothing about a rule.
    """
    from kaizen_conformance.adapters.offline import sandbox_problem
    from kaizen_conformance.adapters.programs import missing_program

    problem = missing_program(context.settings, role) or sandbox_problem(context.settings, role)
    if problem:
        return problem
    preflight = getattr(suite(role), "preflight", None)
    return str(preflight(context)) if preflight is not None else ""


if TYPE_CHECKING:
    # mypy holds every module of SUITES to the protocol.
    from kaizen_conformance.roles import hub, init, listing, prepare, resolver, validate

    _ROLE_MODULES: tuple[RoleModule, ...] = (hub, init, listing, prepare, resolver, validate)


def stub_settings(profile: str) -> Settings:
    """Settings as a run with no implementation configured would have them, under ``profile``."""
    from kaizen_conformance.core.options import ROLES
    from kaizen_conformance.core.settings import Settings

    return Settings(
        targets={},
        profiles={role: profile for role in ROLES},
        timeout=15.0,
        strict=False,
        hub_double="respx",
        rootpath=Path.cwd(),
    )


def lint_coverage(report: Report) -> None:
    """Every rule of every role with a suite has a check under each profile it applies to."""
    from kaizen_conformance.cases.loading import FixtureError

    catalogue = contract.catalogue()
    roles = set(SUITES) | ({"manifest"} if {"resolver", "validate"} & set(SUITES) else set())
    for profile in contract.PROFILES:
        covered: set[str] = set()
        broken: set[str] = (
            set()
        )  # roles whose cases did not load: their coverage is unknown, not missing
        for role in SUITES:
            try:
                checks = suite(role).collect(stub_settings(profile))
            except Exception as exc:  # noqa: BLE001 - report it and lint the rest
                report.add(exc, f"collecting the {role} suite under profile {profile}")
                broken.update({role, "manifest"} if role in ("resolver", "validate") else {role})
                continue
            covered.update(rule for check in checks for rule in check.rules)
        for rule in catalogue.values():
            if rule.role in broken:
                continue
            if rule.role in roles and profile in rule.profiles and rule.id not in covered:
                report.add(
                    FixtureError(
                        f"kaizen_conformance/contract/rules/{rule.prefix}.yml",
                        f"rule {rule.id} has no case under profile {profile}",
                        where=rule.id,
                        fix=f"add a case that lists {rule.id} in its rules (kaizen-conformance new-case {rule.role} NAME)",
                    )
                )
    report.counts["rules with a case"] = sum(1 for rule in catalogue.values() if rule.role in roles)
    unchecked = sorted({rule.role for rule in catalogue.values()} - roles)
    if unchecked:
        report.notes.append(
            f"no suite yet for: {', '.join(unchecked)} (their rules are not required to have cases)"
        )


def cases_by_rule() -> dict[str, list[str]]:
    """Rule id -> the ids of the fixture cases that check it, under either profile."""
    found: dict[str, set[str]] = {}
    for profile in contract.PROFILES:
        for module_name in SUITES.values():
            for check in importlib.import_module(module_name).collect(stub_settings(profile)):
                case = check.case.split("/", 1)[0]  # prepare names its checks <case>/<agent>
                for rule in check.rules:
                    found.setdefault(rule, set()).add(case)
    return {rule: sorted(ids) for rule, ids in found.items()}


def contract_document() -> str:
    """docs/CONTRACT.md: the contract's prose and data, each rule with the cases that check it."""
    from kaizen_conformance.contract.document import markdown

    return markdown(cases_by_rule())
