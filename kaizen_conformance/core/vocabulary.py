"""The kit's closed vocabularies: outcomes, verdicts, levels and kinds, as ``Literal`` types.

Each word is written once, here; the tuples beside the types are derived from them, so a table
keyed on a vocabulary (the summary's labels, the badge colours) is checked by mypy and by the
kit's tests against the same words. The values stay plain strings: they are what the JSON report
(``report.schema.json``) and pytest's user properties carry.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from typing import Literal, TypeGuard, get_args

# The outcome of one item (a check of some rules against one case), worst first: a rule's verdict
# is the worst outcome among its cases.
Outcome = Literal["failed", "error", "expected-failure", "not-met", "skipped", "passed"]
OUTCOME_ORDER: tuple[Outcome, ...] = get_args(Outcome)
# Outcomes that name a case in a rule's "failed on" list (and that --kaizen-rerun-failed reruns).
FAILING: frozenset[Outcome] = frozenset({"failed", "error", "expected-failure", "not-met"})

# The verdict on one rule: the worst outcome of its cases, or one of two words for mixed or no cases.
Verdict = Literal[Outcome, "incomplete", "not-run"]
VERDICTS: tuple[Verdict, ...] = (*OUTCOME_ORDER, "incomplete", "not-run")

# The verdict on one role, from the verdicts on its MUST rules; "configuration-error" when the run was
# set up so that the role could not be judged at all (a program not installed, a seed with no effect).
RoleVerdict = Literal[
    "conforms", "does-not-conform", "incomplete", "not-configured", "configuration-error"
]
ROLE_VERDICTS: tuple[RoleVerdict, ...] = get_args(RoleVerdict)

# The level of a rule in the catalogue; a check's level is MUST if any of its rules is.
Level = Literal["MUST", "SHOULD"]
LEVELS: tuple[Level, ...] = get_args(Level)

# How a role's implementation is given: the options that configure a role.
TargetKind = Literal["callable", "command", "app", "url"]
TARGET_KINDS: tuple[TargetKind, ...] = get_args(TargetKind)

# Every kind of option in the options table (core/options.py).
OptionKind = Literal[TargetKind, "seed", "profile", "setting", "switch", "file", "directory"]
OPTION_KINDS: tuple[OptionKind, ...] = (
    *TARGET_KINDS,
    "seed",
    "profile",
    "setting",
    "switch",
    "file",
    "directory",
)


def target_kind(text: str) -> TargetKind:
    """A target kind read back from text (the reference table); anything else is the kit's bug."""
    for known in TARGET_KINDS:
        if text == known:
            return known
    raise ValueError(f"{text!r} is not a target kind ({', '.join(TARGET_KINDS)})")


def level(text: str) -> Level:
    """A level read back from text (a JUnit/user property); anything else is the kit's bug."""
    for known in LEVELS:
        if text == known:
            return known
    raise ValueError(f"{text!r} is not a rule level ({' or '.join(LEVELS)})")


def is_target_kind(kind: OptionKind) -> TypeGuard[TargetKind]:
    """Whether an option of this kind configures a role's implementation."""
    return kind in TARGET_KINDS
