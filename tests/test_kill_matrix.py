"""The kit has teeth: every rule is failed by at least one mutant, on that rule's own id.

Each mutant under tests/mutants/<role>/ breaks one rule. The matrix runs the whole suite
(or the cases a mutant's OPTIONS select with -k) against each, in a child process, and demands a failure on every rule the mutant declares in KILLS; then it
demands that the mutants together cover every rule of every role the kit checks.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import mutants
import pytest
from kitrun import run_kit

from kaizen_conformance import contract
from kaizen_conformance.roles.registry import SUITES


def all_mutants() -> list[ModuleType]:
    found = []
    for role_info in pkgutil.iter_modules(mutants.__path__):
        if not role_info.ispkg:
            continue  # shared pieces such as mutants/_mistakes.py
        package = importlib.import_module(f"mutants.{role_info.name}")
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                found.append(importlib.import_module(f"mutants.{role_info.name}.{info.name}"))
    return found


MUTANTS = all_mutants()


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.__name__.removeprefix("mutants."))
def test_mutant_is_killed_on_its_rule(kit_pytester: pytest.Pytester, mutant: ModuleType) -> None:
    options = [o.replace("{module}", mutant.__name__) for o in mutant.OPTIONS]
    # Every mutant runs in a child pytest with capped memory: a broken implementation may leave a
    # thread running past the limit, or allocate without bound; neither may outlive its own run.
    run = run_kit(
        kit_pytester, "--kaizen-timeout=3", "-p", "_memory_cap", *options, subprocess=True
    )
    assert run.items, run.result.stdout.str()[-3000:]
    missed = set(mutant.KILLS) - run.failed_rules()
    assert not missed, (
        f"{mutant.__name__} ({mutant.__doc__.strip().splitlines()[0]}) was not failed on {sorted(missed)}; "
        f"failed rules: {sorted(run.failed_rules())}"
    )
    assert run.result.ret != 0


def checked_rules() -> list[contract.Rule]:
    roles = set(SUITES)
    if roles & {"resolver", "validate"}:
        roles.add("manifest")
    return [rule for rule in contract.catalogue().values() if rule.role in roles]


def test_every_rule_has_a_mutant() -> None:
    declared = {rule for mutant in MUTANTS for rule in mutant.KILLS}
    unguarded = [rule.id for rule in checked_rules() if rule.id not in declared]
    assert not unguarded, (
        f"rules no mutant is declared to break (add one under tests/mutants/): {unguarded}"
    )
