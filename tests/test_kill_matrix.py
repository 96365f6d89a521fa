"""The kit has teeth: every rule is failed by at least one mutant, on that rule's own id.

Each mutant under tests/mutants/<role>/ breaks one rule. The matrix runs the whole suite
(or the cases a mutant's OPTIONS select with -k) against each, in a child process, and demands
a failure on every rule the mutant declares in KILLS, of the kind it declares in KIND (default
wrong-answer: the check judged the mutant's output), with a message matching MESSAGE where the
mutant pins one. A failure of another kind is no kill: an implementation that crashes on every
call fails every rule it is asked about, and proves nothing about any of them.

First, the controls: the reference implementations pass under exactly the options the mutants
get. Then the stand-ins (tests/standins/): implementations that are broken for reasons no rule is
about, or not broken at all; none of them may count as a kill of any rule. Last, the mutants
together must cover every rule of every role the kit checks.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import ModuleType

import mutants
import pytest
import standins
from kitrun import KitRun, run_kit

from kaizen_conformance import contract
from kaizen_conformance.roles.registry import SUITES

WRONG_ANSWER, CRASHED, OVER_LIMIT = "wrong-answer", "crashed", "over-limit"
CONFIGURATION_ERROR = "configuration-error"  # a stand-in's FAILS_AS: the run's set-up, not a rule
# Every child run gets these, mutants, stand-ins and controls alike. The per-call limit must
# exceed the reference resolver's own hub timeout (reference/resolver.py, TIMEOUT_SECONDS).
MATRIX_OPTIONS = ("--kaizen-timeout=3", "-p", "_memory_cap")
CHILD_LIMIT = 420  # seconds for one child run: a hanging mutant fails the matrix, never hangs it
# Rules about failing loudly, about limits, or about hostile input that must not make the
# implementation hang or run code: a mutant may prove them with a crash or an overrun. Every other
# rule must be killed by a wrong answer somewhere (test_every_rule_has_a_wrong_answer_mutant).
CRASH_OR_LIMIT_RULES = {
    "RES-011",  # a failing hub fails the resolver loudly
    "RES-012",  # a stalled hub fails it within the limit
    "RES-013",  # a malformed record does not crash the resolution
    "RES-016",  # hostile manifests: no code run, no unbounded work, no crash
    "SCH-004",  # alias bombs are refused, not expanded
    "HUB-015",  # an unparseable flag is refused with 400/422, not a crash (500)
    "VAL-001",  # a verdict: neither a hang nor a crash is one
    "VAL-002",  # a rejection names the file and the reason: a traceback does not
    "LST-002",  # hostile manifests are an error within the limit: a hang is none
    "INI-001",  # init writes the scaffold: a hang writes nothing
    "INI-003",  # init refuses: a hang or a crash is no refusal
}


def modules_under(package: ModuleType) -> list[ModuleType]:
    found = []
    for role_info in pkgutil.iter_modules(package.__path__):
        if not role_info.ispkg:
            continue  # shared pieces such as mutants/_mistakes.py
        role = importlib.import_module(f"{package.__name__}.{role_info.name}")
        for info in pkgutil.iter_modules(role.__path__):
            if not info.name.startswith("_"):
                found.append(importlib.import_module(f"{role.__name__}.{info.name}"))
    return found


MUTANTS = modules_under(mutants)
STANDINS = modules_under(standins)


def kind_of(module: ModuleType) -> str:
    return getattr(module, "KIND", WRONG_ANSWER)


def run_child(pytester: pytest.Pytester, module: ModuleType) -> KitRun:
    options = [o.replace("{module}", module.__name__) for o in module.OPTIONS]
    # In a child pytest with capped memory and a bound on its time: a broken implementation may
    # leave a thread running past the limit, or allocate without bound; neither may outlive its run.
    run = run_kit(pytester, *MATRIX_OPTIONS, *options, subprocess=True, limit=CHILD_LIMIT)
    assert run.items, run.result.stdout.str()[-3000:]
    return run


def first_line(module: ModuleType) -> str:
    return (module.__doc__ or "").strip().splitlines()[0]


# --------------------------------------------------------------------------- controls

CONTROLS = {
    "reference": ["--kaizen-reference", "--kaizen-strict"],
    "reference-v1-server": [
        "--kaizen-reference",
        "--kaizen-strict",
        "--kaizen-resolver-profile=v1",
        "--kaizen-hub-profile=v1",
        "--kaizen-hub-double=server",
    ],
}


@pytest.mark.parametrize("options", list(CONTROLS.values()), ids=list(CONTROLS))
def test_control_reference_passes_under_the_matrix_options(
    kit_pytester: pytest.Pytester, options: list[str]
) -> None:
    """Run first (items are handed out in order): a mutant's failure means something only if
    the reference passes the same checks under the same options, per-call limit included."""
    run = run_kit(kit_pytester, *MATRIX_OPTIONS, *options, subprocess=True, limit=CHILD_LIMIT)
    assert run.items, run.result.stdout.str()[-3000:]
    bad = [(i.name, i.kind, i.message[:400]) for i in run.items if i.outcome != "passed"]
    assert not bad, bad
    assert run.result.ret == 0


# --------------------------------------------------------------------------- stand-ins


@pytest.mark.parametrize("standin", STANDINS, ids=lambda m: m.__name__.removeprefix("standins."))
def test_standin_kills_nothing(kit_pytester: pytest.Pytester, standin: ModuleType) -> None:
    """A stand-in fails for reasons no rule is about (or not at all): no rule counts it a kill."""
    run = run_child(kit_pytester, standin)
    killed = run.killed_rules(kind_of(standin))
    assert not killed, (
        f"{standin.__name__} ({first_line(standin)}) counted as a kill of {sorted(killed)}: "
        + "; ".join(f"{i.name}: {i.message[:300]}" for i in run.items if i.kind == WRONG_ANSWER)
    )
    expected = getattr(standin, "FAILS_AS", None)
    if expected is None:
        assert run.result.ret == 0, [(i.name, i.kind) for i in run.items if i.outcome == "failed"]
    elif expected == CONFIGURATION_ERROR:
        # a setup mistake: one ERROR naming the fix, the role's other checks not run, no verdict
        errors = [i for i in run.role_items(standin.ROLE) if i.outcome == "error"]
        assert len(errors) == 1, [(i.name, i.outcome) for i in errors]
        assert "kaizen_configuration_error" in errors[0].properties, errors[0].message[:400]
        assert not [i for i in run.items if i.outcome in ("failed", "passed")]
        assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    else:
        kinds = {i.kind for i in run.items if i.outcome == "failed"}
        assert kinds == {expected}, kinds


# --------------------------------------------------------------------------- mutants


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.__name__.removeprefix("mutants."))
def test_mutant_is_killed_on_its_rule(kit_pytester: pytest.Pytester, mutant: ModuleType) -> None:
    run = run_child(kit_pytester, mutant)
    kind = kind_of(mutant)
    missed = set(mutant.KILLS) - run.killed_rules(kind)
    assert not missed, (
        f"{mutant.__name__} ({first_line(mutant)}) was not failed with {kind} on {sorted(missed)}; "
        f"failed rules and kinds: { {r: sorted(k) for r, k in sorted(run.kinds().items())} }"
    )
    pattern = getattr(mutant, "MESSAGE", None)
    if pattern is not None:
        for rule in mutant.KILLS:
            messages = [item.message for item in run.failures(rule, kind)]
            assert any(re.search(pattern, m) for m in messages), (
                f"{mutant.__name__}: no {kind} failure of {rule} says what is wrong "
                f"(/{pattern}/); they say:\n" + "\n---\n".join(m[:600] for m in messages[:3])
            )
    assert run.result.ret != 0


def test_mutant_declarations() -> None:
    """A mutant declares its kind plainly; a crash or overrun proves only a rule about failing."""
    for mutant in MUTANTS:
        kind = kind_of(mutant)
        assert kind in (WRONG_ANSWER, CRASHED, OVER_LIMIT), (mutant.__name__, kind)
        if kind != WRONG_ANSWER:
            outside = set(mutant.KILLS) - CRASH_OR_LIMIT_RULES
            assert not outside, (
                f"{mutant.__name__} is a {kind} mutant, but {sorted(outside)} are not about "
                "crashing, failing loudly or limits: a crash there proves nothing about the rule"
            )
        if mutant.ROLE in ("resolver", "hub"):
            assert isinstance(getattr(mutant, "MESSAGE", None), str), (
                f"{mutant.__name__}: pin the killing failure's message (MESSAGE = r'...')"
            )


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


def test_every_rule_has_a_wrong_answer_mutant() -> None:
    """A crash or overrun kill alone does not show that a rule's check judges answers."""
    judged = {
        rule for mutant in MUTANTS if kind_of(mutant) == WRONG_ANSWER for rule in mutant.KILLS
    }
    only_crashes = [
        rule.id
        for rule in checked_rules()
        if rule.id not in judged and rule.id not in CRASH_OR_LIMIT_RULES
    ]
    assert not only_crashes, only_crashes
