"""List conformance: ``schedule list`` shows exactly what the manifest schedules (contract section 6b).

An operator reads ``schedule list`` to know which agents a repo runs. A list that sorts, drops,
adds or guesses a default tells them something the scheduler will not do. Cases: every entry of
the manifest corpus and ``fixtures/list/`` (``cases/listing.py``), each run in a fresh checkout:

- ``LST-001[case]`` where the manifest is valid: exactly its agents, in file order, four keys
  each, ``enabled`` and ``description`` filled in (the kit's own judge reads the agents);
- ``LST-002[case]`` where it is invalid or missing: an error naming schedule.yml, nothing on
  stdout, hostile cases within the per-call limit with nothing executed;
- ``LST-003[case]``: the checkout is byte-identical afterwards and no network use was tried;
- ``LST-004[case]``: list agrees with validate (it succeeds exactly where validate accepts) and
  with prepare (an agent listed as enabled is one prepare accepts; one listed as disabled, or
  left out, is one it refuses). A half whose role is not configured is not judged: the item is
  skipped, never passed, so the role reads INCOMPLETE until both are configured.

A parser-dependent manifest (contract section 7) is held to no answer, only to LST-003 and
LST-004. list runs once per case; the checks of the case share that run.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from kaizen_conformance.adapters import manifest_tools
from kaizen_conformance.adapters.manifest_tools import ToolRun, quote_head
from kaizen_conformance.adapters.prepare import PrepareResult, call_prepare
from kaizen_conformance.cases.listing import (
    EITHER,
    LISTED,
    ROLE,
    ListCase,
    all_cases,
    listing,
)
from kaizen_conformance.cases.workspace import Workspace
from kaizen_conformance.contract import manifest_judge
from kaizen_conformance.contract.json_data import strict_loads
from kaizen_conformance.core.checks import Check, CheckContext, NotAhead, Violation, ahead_of
from kaizen_conformance.core.options import role_options
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.core.vocabulary import is_target_kind
from kaizen_conformance.roles import validate as validate_role
from kaizen_conformance.runtime import trees
from kaizen_conformance.runtime.commands import MAX_OUTPUT

FILE_NAME = "schedule.yml"
KEYS = ("name", "cadence", "enabled", "description")
AGENT_NAME = re.compile(r"[a-z][a-z0-9-]{0,62}")  # SCH-001: only such names get a prompt file
PROMPT = "Prepared by the kit so that prepare can accept this agent (LST-004).\n"


def collect(settings: Settings) -> list[Check]:
    checks = []
    for case in all_cases():
        ahead = ahead_of(runs_of, case)
        if case.answer != EITHER:
            rule = "LST-001" if case.answer == LISTED else "LST-002"
            checker = check_listed if case.answer == LISTED else check_error
            checks.append(
                Check(ROLE, (rule,), case.id, partial(checker, case), case.description, ahead)
            )
        checks.append(
            Check(
                ROLE, ("LST-003",), case.id, partial(check_boundary, case), case.description, ahead
            )
        )
        checks.append(
            Check(
                ROLE, ("LST-004",), case.id, partial(check_agreement, case), case.description, ahead
            )
        )
    return checks


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    """One call of list on one materialised case."""

    workspace: Workspace
    checkout: Path
    result: ToolRun
    before: dict[str, Any]
    after: dict[str, Any]
    marker_created: bool


def execute(context: CheckContext, case: ListCase, root: Path | None = None) -> Run:
    """Run list on ``case`` materialised (under ``root`` when given, as exploration does to
    remove each example's files after it)."""
    where = root / "workspace" if root is not None else context.workspace_dir(f"lst-{case.id}")
    workspace, checkout = case.materialise(where)
    before = trees.fingerprint(workspace.root)
    # never inside the fingerprinted tree
    scratch = (
        partial(context.workspace_dir, f"lst-scratch-{case.id}")
        if root is None
        else partial(validate_role.fresh, root / "scratch")
    )
    result = manifest_tools.list_agents(context.settings, checkout, f"list {case.id}", scratch)
    after = trees.fingerprint(workspace.root)
    return Run(workspace, checkout, result, before, after, workspace.marker.exists())


def run_of(context: CheckContext, case: ListCase) -> Run:
    run: Run = context.remember((ROLE, case.id), lambda: execute(context, case))
    return run


def answer_of(result: ToolRun) -> tuple[Any, str]:
    """What a successful list answered, as data, and '' ; or None and why it is no answer.

    A callable's return value is taken as it is; a command's stdout must be one JSON value.
    """
    if result.via == "callable":
        return result.returned, ""
    if result.stdout_size > MAX_OUTPUT:
        return None, f"printed {result.stdout_size} bytes on stdout: more than a list of agents"
    try:
        return strict_loads(result.stdout, unique=True), ""
    except ValueError as exc:
        return None, (
            f"exited 0, but stdout is not one JSON value ({exc}): "
            f"{quote_head(result.stdout, result.stdout_size)}"
        )


def same(a: Any, b: Any) -> bool:
    """Equal and of one JSON type: ``1`` is not ``true``, ``"true"`` is not ``true``."""
    return type(a) is type(b) and a == b


def list_problems(answer: Any, wanted: list[dict[str, Any]]) -> list[str]:
    """How ``answer`` differs from the agents list must show (LST-001), each difference once."""
    if isinstance(answer, (str, bytes, Mapping)) or not isinstance(answer, (list, tuple)):
        return [f"answered {answer!r:.200}, not a list of agents (a JSON array of objects)"]
    for index, item in enumerate(answer):
        if not isinstance(item, Mapping):
            return [f"item {index} of the list is {item!r:.80}, not an agent (an object)"]
    names = [item.get("name") for item in answer]
    wanted_names = [agent["name"] for agent in wanted]
    problems = []
    if names != wanted_names:
        dropped = [n for n in wanted_names if n not in names]
        added = [n for n in names if n not in wanted_names]
        if dropped:
            problems.append(f"left out agents of the manifest: {', '.join(map(repr, dropped))}")
        if added:
            problems.append(
                f"listed agents the manifest does not have: {', '.join(f'{n!r:.70}' for n in added)}"
            )
        if not dropped and not added:
            problems.append(
                f"agents out of file order: listed {names}; the manifest has them as {wanted_names}"
                + (" (sorted by name)" if names == sorted(wanted_names) else "")
            )
        return problems
    for item, agent in zip(answer, wanted, strict=True):
        name = agent["name"]
        extra = sorted(str(key) for key in item if key not in KEYS)
        missing = [key for key in KEYS if key not in item]
        if extra:
            problems.append(f"agent {name!r} has keys a listing does not have: {', '.join(extra)}")
        if missing:
            problems.append(f"agent {name!r} lacks {', '.join(missing)}")
        for key in KEYS:
            if key in item and not same(item[key], agent[key]):
                why = ""
                if key == "enabled" and agent["enabled"] is True:
                    why = " (where the manifest leaves it out, the default true is listed)"
                if key == "description" and agent["description"] is None:
                    why = " (the manifest has none: null)"
                problems.append(
                    f"agent {name!r}: {key} is {item[key]!r:.120}, the manifest says "
                    f"{json_text(agent[key])}{why}"
                )
    return problems


def json_text(value: Any) -> str:
    """A value as the contract writes it: true, false, null, or the string quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


# --------------------------------------------------------------------------- checks


def check_listed(case: ListCase, context: CheckContext) -> None:
    """LST-001: on a valid manifest, exactly its agents, in file order, four keys each."""
    judge_listed(case, run_of(context, case))


def judge_listed(case: ListCase, run: Run) -> None:
    """LST-001 on one run (a golden case's, or an explored example's)."""
    result = run.result
    if not result.succeeded:
        raise Violation(
            f"no list of a valid manifest ({case.description})\n{result.detail()}",
            result.failure_kind,
        )
    answer, problem = answer_of(result)
    if problem:
        raise Violation(problem)
    agents = manifest_judge.agents_in(run.checkout)
    assert agents is not None, f"case {case.id}: the kit's judge calls its manifest invalid"
    wanted = [dict(agent) for agent in case.expected] if case.expected else listing(agents)
    problems = list_problems(answer, wanted)
    if problems:
        shown = "\n".join(problems[:6]) + (
            f"\n(+{len(problems) - 6} more)" if len(problems) > 6 else ""
        )
        raise Violation(f"{shown}\nit listed {answer!r:.400}")


def check_error(case: ListCase, context: CheckContext) -> None:
    """LST-002: on an invalid or missing manifest, an error naming schedule.yml, nothing on stdout."""
    judge_error(case, run_of(context, case))


def judge_error(case: ListCase, run: Run) -> None:
    """LST-002 on one run (a golden case's, or an explored example's)."""
    result = run.result
    validate_role.answered_safely(run, "answer")
    if result.succeeded:
        shown = repr(result.returned) if result.via == "callable" else result.stdout
        raise Violation(
            f"listed where it must be an error ({case.description}): it answered "
            f"{quote_head(shown, len(shown))}"
        )
    message = result.message
    if result.traceback:
        # the code lines of a traceback often mention the file; only its last line is a message
        message = next((line for line in reversed(message.splitlines()) if line.strip()), "")
    if FILE_NAME not in message:
        where = "its exception" if result.via == "callable" else "stderr"
        raise Violation(
            f"the error does not name the file: {where} {quote_head(message, len(message))} "
            f"never mentions {FILE_NAME}\n{result.detail()}",
            result.failure_kind,
        )
    if result.stdout_size:
        raise Violation(
            f"printed on stdout while failing: {quote_head(result.stdout, result.stdout_size)}; "
            "an error leaves stdout empty, so nothing reads it as a list"
        )


def check_boundary(case: ListCase, context: CheckContext) -> None:
    """LST-003: nothing in the workspace changed, and no network use was tried."""
    validate_role.read_only_and_offline(run_of(context, case), "listing")


# --------------------------------------------------------------------------- agreement (LST-004)


def check_agreement(case: ListCase, context: CheckContext) -> None:
    """LST-004: list succeeds where validate accepts; prepare accepts exactly the agents listed enabled.

    Each half is judged when its role is configured. A disagreement found by either half fails
    the check; otherwise a half left unjudged makes it a skip that names what to configure.
    """
    run = run_of(context, case)
    result = run.result
    if not result.answered or result.broke:
        # a crash is no answer: a list that cannot run disagrees with nothing
        raise Violation(
            f"list gave no answer, so there is nothing to compare: {result.detail()}",
            result.failure_kind,
        )
    settings = context.settings
    problems: list[str] = []
    unjudged: list[str] = []
    if settings.target("validate") is None:
        unjudged.append(not_configured("validate"))
    else:
        problems += _against_validate(case, context, result, unjudged)
    if settings.target("prepare") is None:
        unjudged.append(not_configured("prepare"))
    else:
        problems += _against_prepare(case, context, result, unjudged)
    if problems:
        raise Violation("\n".join(problems))
    if unjudged:
        pytest.skip("LST-004 not judged (not a pass): " + "; ".join(unjudged))


def not_configured(role: str) -> str:
    """Why a half of LST-004 is not judged, with the options that would judge it."""
    flags = " or ".join(o.flag for o in role_options(role) if is_target_kind(o.kind))
    return f"the {role} role is not configured (give {flags}, or --kaizen-reference)"


def _against_validate(
    case: ListCase, context: CheckContext, listed: ToolRun, unjudged: list[str]
) -> list[str]:
    if case.manifest is not None:
        # the validate role's own run of this corpus entry (made here, or reused there)
        verdict = validate_role.run_of(context, case.manifest).result
    else:
        _, checkout = case.materialise(context.workspace_dir(f"lst-val-{case.id}"))
        scratch = partial(context.workspace_dir, f"lst-val-scratch-{case.id}")
        verdict = manifest_tools.validate(
            context.settings, checkout, f"validate {case.id}", scratch
        )
    if not verdict.answered:
        unjudged.append(f"validate gave no verdict to compare with ({verdict.how})")
        return []
    if listed.succeeded and verdict.failed:
        return [
            f"list succeeded where validate rejects the manifest: validate said "
            f"{quote_head(verdict.message, len(verdict.message))}"
        ]
    if listed.failed and verdict.succeeded:
        return [
            f"list failed where validate accepts the manifest: list said "
            f"{quote_head(listed.message, len(listed.message))}"
        ]
    return []


def _against_prepare(
    case: ListCase, context: CheckContext, listed: ToolRun, unjudged: list[str]
) -> list[str]:
    """Each agent listed or in the manifest, prepared in a copy of the checkout that has its prompt."""
    agreement = agreement_prepares(context, case)
    if agreement is None:
        unjudged.append("prepare: the list's output is no list of agents (see LST-001)")
        return []
    shown, prepared_for = agreement
    problems = []
    for name, prepared in prepared_for.items():
        if prepared.crashed or prepared.timed_out or prepared.never_ran:
            unjudged.append(f"prepare gave no answer for agent {name!r} ({prepared.failure})")
            continue
        accepted = not prepared.failed
        if name in shown and shown[name] and not accepted:
            problems.append(
                f"list shows agent {name!r} as enabled, but prepare refuses it: {refusal(prepared)}"
            )
        elif name in shown and not shown[name] and accepted:
            problems.append(f"list shows agent {name!r} as disabled, but prepare accepts it")
        elif name not in shown and accepted:
            problems.append(
                f"list leaves out agent {name!r} of the manifest, but prepare accepts it"
            )
    return problems


Agreement = tuple[dict[str, bool], dict[str, PrepareResult]]


def agreement_prepares(context: CheckContext, case: ListCase) -> Agreement | None:
    """LST-004's prepare runs, made once: what list showed (name -> enabled) and prepare's
    answer for each agent listed or in the manifest; None when list's output is no list."""

    def prepare_each() -> Agreement | None:
        listed = run_of(context, case).result
        answer: Any = []
        if listed.succeeded:
            answer, problem = answer_of(listed)
            if problem or not isinstance(answer, (list, tuple)):
                return None
        shown: dict[str, bool] = {}
        for item in answer:
            if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                shown[item["name"]] = item.get("enabled") is True
        _, checkout = case.materialise(context.workspace_dir(f"lst-pre-{case.id}"))
        in_manifest = [agent["name"] for agent in manifest_judge.agents_in(checkout) or []]
        names = list(dict.fromkeys([*shown, *in_manifest]))
        add_prompts(checkout, names)
        prepared_for = {}
        for number, name in enumerate(names):
            prepared_for[name] = call_prepare(
                context.settings,
                str(checkout),
                name,
                scratch=context.workspace_dir(f"lst-pre-scratch-{case.id}-{number}"),
                label=f"prepare {name} in {case.id}",
            )
        return shown, prepared_for

    agreement: Agreement | None = context.remember((ROLE, "agreement", case.id), prepare_each)
    return agreement


def runs_of(context: CheckContext, case: ListCase) -> None:
    """Every run the case's checks judge, made ahead of them: list's own, and for LST-004 the
    validate and prepare runs of the roles configured in-process (a command's calls run when
    the check does: they fork the kit, which work ahead never does)."""
    listed = run_of(context, case).result
    if not listed.answered or listed.broke:
        return  # LST-004 compares nothing then
    settings = context.settings
    # a half that cannot run ahead (its calls do not travel to the zygote) is left to LST-004
    # itself, without keeping list's own runs from running ahead
    if settings.is_callable("validate") and case.manifest is not None:
        with contextlib.suppress(NotAhead):
            validate_role.run_of(context, case.manifest)
    if settings.is_callable("prepare"):
        with contextlib.suppress(NotAhead):
            agreement_prepares(context, case)


def refusal(prepared: PrepareResult) -> str:
    message = prepared.message or prepared.failure
    return quote_head(message, len(message))


def add_prompts(checkout: Path, names: list[str]) -> None:
    """Give each agent the prompt prepare needs, where ``.kaizen`` is a directory inside the checkout.

    Without a prompt prepare refuses every agent (PRE-002), and the comparison would say
    nothing. A ``.kaizen`` that leads out of the checkout, or a prompt that already exists, is
    left as it is: the kit writes nothing outside the case's checkout.
    """
    kaizen = checkout / ".kaizen"
    root, real = os.path.realpath(checkout), os.path.realpath(kaizen)
    if os.path.commonpath([root, real]) != root or not os.path.isdir(real):
        return
    for name in names:
        if not AGENT_NAME.fullmatch(name):
            continue
        directory = kaizen / "agents" / name
        try:
            if os.path.commonpath([root, os.path.realpath(directory)]) != root:
                continue
            directory.mkdir(parents=True, exist_ok=True)
            prompt = directory / "prompt.md"
            if not os.path.lexists(prompt):
                prompt.write_text(PROMPT, encoding="utf-8")
        except OSError:
            continue  # a case that has something else there: prepare answers as it will
