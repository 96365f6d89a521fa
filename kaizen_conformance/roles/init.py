"""Init conformance: ``schedule init`` scaffolds a valid manifest and never loses one (contract section 6).

Two sources of cases, each run in a fresh checkout:

- ``fixtures/init/<case>/case.yml``: checkouts without ``.kaizen/`` (INI-001: the scaffold must
  be valid, judged by the kit's own ``manifest_check``), awkward ones (``.kaizen`` a symlink
  leaving the checkout), existing manifests (INI-003).
- every entry of the manifest corpus: wherever it leaves a ``.kaizen/schedule.yml`` (valid,
  invalid, hostile, a directory, a symlink in or out, a dangling one) init must refuse and
  leave it byte-identical (INI-003); whatever it leaves, only ``.kaizen/`` may change (INI-002).

Items: ``INI-001[case]`` or ``INI-003[case]`` for the outcome, and ``INI-002[case]`` for every
case. init runs once per case; the checks of the case share that run.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from kaizen_conformance.adapters import manifest_tools
from kaizen_conformance.adapters.manifest_tools import ToolRun
from kaizen_conformance.cases.init import KAIZEN, MANIFEST, ROLE, InitCase, all_cases
from kaizen_conformance.cases.workspace import Workspace
from kaizen_conformance.contract import manifest_judge
from kaizen_conformance.core.checks import Check, CheckContext, FailureKind, Violation, ahead_of
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.runtime import trees


def collect(settings: Settings) -> list[Check]:
    checks = []
    for case in all_cases():
        ahead = ahead_of(run_of, case)
        for rule in ("INI-001", "INI-003"):
            if rule in case.rules:
                checks.append(
                    Check(
                        ROLE,
                        (rule,),
                        case.id,
                        partial(CHECKERS[rule], case),
                        case.description,
                        ahead,
                    )
                )
        checks.append(
            Check(
                ROLE, ("INI-002",), case.id, partial(check_boundary, case), case.description, ahead
            )
        )
    return checks


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    """One call of init on one materialised case."""

    workspace: Workspace
    checkout: Path
    result: ToolRun
    before: dict[str, Any]
    after: dict[str, Any]
    protected: tuple[str, ...]  # the existing manifest, as paths of the fingerprint


def execute(context: CheckContext, case: InitCase) -> Run:
    workspace, checkout = case.materialise(context.workspace_dir(f"ini-{case.id}"))
    before = trees.fingerprint(workspace.root)
    protected = existing_manifest_paths(workspace.root, checkout)
    scratch = partial(
        context.workspace_dir, f"ini-scratch-{case.id}"
    )  # never inside the fingerprinted tree
    result = manifest_tools.init(context.settings, checkout, f"init {case.id}", scratch)
    after = trees.fingerprint(workspace.root)
    return Run(workspace, checkout, result, before, after, protected)


def run_of(context: CheckContext, case: InitCase) -> Run:
    run: Run = context.remember((ROLE, case.id), lambda: execute(context, case))
    return run


def existing_manifest_paths(root: Path, checkout: Path) -> tuple[str, ...]:
    """Where the existing manifest lives, as fingerprint paths: the entry, any link to it, its target.

    The fingerprint does not follow links, so a manifest reached through ``.kaizen`` -> outside,
    or a ``schedule.yml`` link, is protected at the link *and* at the real path it leads to
    (a dangling link's target included: nothing may appear there either).
    """
    manifest = checkout / MANIFEST
    paths = {manifest.relative_to(root).as_posix()}
    if (checkout / KAIZEN).is_symlink():
        paths.add((checkout / KAIZEN).relative_to(root).as_posix())
    real_root = os.path.realpath(root)
    real = os.path.realpath(manifest)
    if os.path.commonpath([real_root, real]) == real_root and real != real_root:
        paths.add(Path(os.path.relpath(real, real_root)).as_posix())
    return tuple(sorted(paths))


def under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


# --------------------------------------------------------------------------- checks


def check_scaffold(case: InitCase, context: CheckContext) -> None:
    """INI-001: on a checkout without .kaizen/, init succeeds and writes a manifest SCH calls valid."""
    run = run_of(context, case)
    result = run.result
    if not result.succeeded:
        verb = {"failed": "refused (raised / exited non-zero)"}.get(result.status, result.status)
        raise Violation(
            f"{verb} on a checkout without .kaizen/, where it must write the scaffold\n{result.detail()}",
            result.failure_kind,
        )
    verdict = manifest_judge.check_checkout(run.checkout, portable=True)
    if verdict.missing:
        raise Violation(
            f"reported success, but the checkout has no manifest that counts: {verdict.reason}\n"
            f"{result.detail()}"
        )
    if not verdict.valid:
        raise Violation(
            f"wrote a .kaizen/schedule.yml that SCH calls invalid: {verdict.reason}\n"
            f"it starts {scaffold_head(run.checkout)}"
        )


def scaffold_head(checkout: Path) -> str:
    try:
        with open(checkout / MANIFEST, "rb") as handle:
            data = handle.read(301)
    except OSError as exc:
        return f"(unreadable: {exc})"
    return repr(data[:300].decode("utf-8", errors="replace")) + (" ..." if len(data) > 300 else "")


def check_refusal(case: InitCase, context: CheckContext) -> None:
    """INI-003: where .kaizen/schedule.yml exists, init refuses and the existing file keeps every byte."""
    run = run_of(context, case)
    result = run.result
    problems = []
    if result.succeeded:
        problems.append(
            f"did not refuse: it {result.how}, where .kaizen/schedule.yml already exists "
            "(refusing is raising, or exiting non-zero)"
        )
    elif not result.answered:
        problems.append(
            f"gave no answer, and a hang or a crash is not a refusal: {result.detail()}"
        )
    touched = trees.differences(
        run.before, run.after, keep=lambda p: any(under(p, q) for q in run.protected)
    )
    if touched:
        problems.append("the existing manifest did not survive:\n  " + "\n  ".join(touched))
    if problems:
        # a changed manifest or a success is a wrong answer; a hang or a crash alone is not
        judged = touched or result.succeeded
        kind = FailureKind.WRONG_ANSWER if judged else result.failure_kind
        raise Violation(f"{case.description}\n" + "\n".join(problems), kind)


def check_boundary(case: InitCase, context: CheckContext) -> None:
    """INI-002: init changes nothing but .kaizen/ in the checkout (through a link, .kaizen/ is elsewhere)."""
    run = run_of(context, case)
    if not run.result.started:
        raise Violation(
            f"the command never ran, so nothing shows what it would change: {run.result.how}",
            FailureKind.CRASHED,
        )
    allowed = (run.checkout / KAIZEN).relative_to(run.workspace.root).as_posix()
    stray = trees.differences(run.before, run.after, keep=lambda p: not under(p, allowed))
    if stray:
        raise Violation(f"changed files outside {allowed}/:\n  " + "\n  ".join(stray))


CHECKERS = {"INI-001": check_scaffold, "INI-003": check_refusal}
