"""Validate conformance: every manifest of the corpus, verdict for verdict (contract section 6).

If ``schedule validate`` says "valid" where the resolver says "excluded", a repo silently never
gets scheduled. So the validator is held to the very corpus the resolver is held to
(``fixtures/manifests/``), case for case. Each manifest, placed in a checkout, yields:

- ``SCH-00x[case]`` carrying the case's SCH rules plus VAL-001 (as the resolver's corpus items
  carry its RES rule): accepted iff the corpus calls it valid; hostile cases decided within
  the per-call limit with nothing executed. A case whose rules are all SHOULD (SCH-005) stays
  a SHOULD item and does not carry VAL-001.
- ``VAL-004[case]`` instead of the first, for a manifest the corpus marks parser-dependent
  (contract section 7): no verdict is demanded by VAL-001; validate SHOULD reject it with a
  message that mentions the parser or names the construct whose reading differs (as the
  corpus entry lists it, so a message in any language can).
- ``VAL-002[case]``: a rejection names schedule.yml and says what is wrong; an acceptance
  prints nothing on stderr; nothing floods the output.
- ``VAL-003[case]``: the checkout is byte-identical afterwards and no network use was tried.

The validator runs once per case; the three checks share that run.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from kaizen_conformance import contract
from kaizen_conformance.adapters import manifest_tools
from kaizen_conformance.adapters.manifest_tools import ToolRun, quote_head
from kaizen_conformance.cases.corpus import ManifestEntry, manifest_corpus
from kaizen_conformance.cases.workspace import Workspace, new_workspace
from kaizen_conformance.core.checks import Check, CheckContext, FailureKind, Violation, ahead_of
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.runtime import trees

ROLE = "validate"
CHECKOUT = "subject"  # the corpus places its manifests (and their symlinks) in repos/subject
FLOOD = 1 << 20  # characters on one stream: a message, not a log
FILE_NAME = "schedule.yml"
# Words that name the tool or the file, or only say "invalid": a reason needs something more.
EMPTY_WORDS = {
    "schedule",
    "yml",
    "kaizen",
    "agentic",
    "validate",
    "validation",
    "validator",
    "manifest",
    "file",
    "invalid",
    "not",
    "valid",
    "error",
    "errors",
    "failed",
    "failure",
    "fail",
    "rejected",
    "bad",
    "wrong",
    "the",
    "is",
    "a",
    "an",
    "of",
    "in",
    "at",
    "for",
    "check",
    "checked",
    "problem",
}


def collect(settings: Settings) -> list[Check]:
    catalogue = contract.catalogue()
    checks = []
    for entry in manifest_corpus():
        rules = list(entry.rules)
        ahead = ahead_of(run_of, entry)
        if entry.parser_dependent:
            verdict = Check(
                ROLE,
                ("VAL-004",),
                entry.id,
                partial(check_parser_dependent, entry),
                entry.description,
                ahead,
            )
        else:
            if entry.valid or all(catalogue[rule].is_must for rule in entry.rules):
                rules.append("VAL-001")
            verdict = Check(
                ROLE,
                tuple(rules),
                entry.id,
                partial(check_verdict, entry),
                entry.description,
                ahead,
            )
        checks.extend(
            [
                verdict,
                Check(
                    ROLE,
                    ("VAL-002",),
                    entry.id,
                    partial(check_message, entry),
                    entry.description,
                    ahead,
                ),
                Check(
                    ROLE,
                    ("VAL-003",),
                    entry.id,
                    partial(check_boundary, entry),
                    entry.description,
                    ahead,
                ),
            ]
        )
    return checks


@dataclass
class Run:
    """One call of the validator on one corpus manifest placed in a checkout."""

    workspace: Workspace
    result: ToolRun
    before: dict[str, Any]
    after: dict[str, Any]
    marker_created: bool


def execute(context: CheckContext, entry: ManifestEntry, root: Path | None = None) -> Run:
    """Run the validator on ``entry`` placed in a checkout (under ``root`` when given, as
    exploration does to remove each example's files after it)."""
    where = root / "workspace" if root is not None else context.workspace_dir(f"val-{entry.id}")
    workspace = new_workspace(where, None)
    checkout = workspace.repos / CHECKOUT
    entry.place(workspace, checkout)
    before = trees.fingerprint(workspace.root)
    # never inside the fingerprinted tree
    scratch = (
        partial(context.workspace_dir, f"val-scratch-{entry.id}")
        if root is None
        else partial(fresh, root / "scratch")
    )
    result = manifest_tools.validate(context.settings, checkout, f"validate {entry.id}", scratch)
    after = trees.fingerprint(workspace.root)
    return Run(workspace, result, before, after, workspace.marker.exists())


def run_of(context: CheckContext, entry: ManifestEntry) -> Run:
    run: Run = context.remember((ROLE, entry.id), lambda: execute(context, entry))
    return run


# --------------------------------------------------------------------------- checks


def fresh(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_verdict(entry: ManifestEntry, context: CheckContext) -> None:
    """VAL-001 (and the case's SCH rules): accepted iff the corpus calls the manifest valid."""
    judge_verdict(entry, run_of(context, entry))


def judge_verdict(entry: ManifestEntry, run: Run) -> None:
    """VAL-001 on one run (a golden case's, or an explored example's)."""
    result = run.result
    answered_safely(run, "verdict")
    if entry.valid and result.failed:
        raise Violation(
            f"rejected a valid manifest ({entry.description})\n{result.detail()}",
            result.failure_kind,
        )
    if not entry.valid and result.succeeded:
        hint = ""
        if result.returned is False:
            hint = "\nit returned False: the callable's contract is to raise on invalid (returning means valid)"
        raise Violation(f"accepted an invalid manifest: {entry.description}{hint}")


PARSER_WORD = re.compile(r"\bparsers?\b", re.IGNORECASE)


def says_parser_dependent(entry: ManifestEntry, message: str) -> bool:
    """Whether a refusal tells the user what to fix: it names the construct whose reading
    differs, as the corpus entry lists it (its text as written, ``<<``, ``\\t``: the same in
    any language), or it mentions the parser."""
    return any(text in message for text in entry.construct) or bool(PARSER_WORD.search(message))


def check_parser_dependent(entry: ManifestEntry, context: CheckContext) -> None:
    """VAL-004: a parser-dependent manifest is rejected, saying its meaning depends on the parser."""
    run = run_of(context, entry)
    result = run.result
    if run.marker_created:
        raise Violation(
            f"code in the manifest was executed: it created {run.workspace.marker}\n{result.detail()}"
        )
    if not result.answered:
        raise Violation(f"no verdict: {result.detail()}")
    if result.succeeded:
        raise Violation(
            f"accepted a manifest whose meaning depends on the YAML parser ({entry.description}); "
            "one conforming resolver includes such a repo and another does not: reject it and say so"
        )
    if not says_parser_dependent(entry, result.message):
        named = ", ".join(repr(text) for text in entry.construct)
        raise Violation(
            "rejected a manifest whose meaning depends on the YAML parser, but the message says "
            "neither that (it never mentions the parser) nor which construct it is"
            + (f" (none of {named})" if named else "")
            + f": {quote_head(result.message, len(result.message))}"
        )


def check_message(entry: ManifestEntry, context: CheckContext) -> None:
    """VAL-002: a rejection names schedule.yml and the reason; an acceptance is silent on stderr."""
    run = run_of(context, entry)
    result = run.result
    if not result.answered:
        raise Violation(
            f"no verdict, so no message to judge (see this case's VAL-001 check): {result.detail()}",
            result.failure_kind,
        )
    for stream in ("stdout", "stderr"):
        size = getattr(result, f"{stream}_size")
        if size > FLOOD:
            raise Violation(
                f"wrote {size} characters on {stream}: a verdict is a message, not a flood\n"
                f"{stream} starts {quote_head(getattr(result, stream), size)}"
            )
    if result.succeeded:
        if result.stderr_size:
            raise Violation(
                f"accepted the manifest but wrote on stderr: {quote_head(result.stderr, result.stderr_size)}; "
                "an acceptance prints nothing on stderr"
            )
        return
    problem = message_problem(result)
    if problem:
        raise Violation(f"{problem}\n{result.detail()}", result.failure_kind)


def message_problem(result: ToolRun) -> str | None:
    """What is wrong with a rejection's message, or None when it names the file and a reason."""
    message = result.message
    where = "its exception" if result.via == "callable" else "stderr"
    if result.traceback:
        # The code lines of a traceback often mention the file; only its last line is a message.
        last = next((line for line in reversed(message.splitlines()) if line.strip()), "")
        if FILE_NAME in last and says_why(last):
            return None
        return (
            f"the rejection on stderr is a Python traceback ending {quote_head(last, len(last), 160)}: "
            f"the validator crashed instead of saying what is wrong with {FILE_NAME}"
        )
    if FILE_NAME not in message:
        if result.via == "command" and FILE_NAME in result.stdout:
            return f"the reason went to stdout; the contract wants it on stderr (it does not mention {FILE_NAME})"
        return f"the rejection does not name the file: {where} {quote_head(message, len(message))} never mentions {FILE_NAME}"
    if not says_why(message):
        return (
            f"the rejection names {FILE_NAME} but not what is wrong with it: {quote_head(message, len(message))}; "
            "say why (the key, the value, the rule)"
        )
    return None


def says_why(message: str) -> bool:
    """True when the message has a word beyond the file's name, its path and a bare 'invalid'."""
    words = [token for token in message.split() if FILE_NAME not in token and "/" not in token]
    return any(
        word.lower() not in EMPTY_WORDS for word in re.findall(r"[A-Za-z]{2,}", " ".join(words))
    )


def check_boundary(entry: ManifestEntry, context: CheckContext) -> None:
    """VAL-003: nothing in the workspace changed, and no network use was tried."""
    read_only_and_offline(run_of(context, entry), "validating")


def answered_safely(run: Any, noun: str) -> None:
    """What a manifest tool's run must show before its answer is judged (validate, list): nothing
    in the manifest executed, an answer within the per-call limit, and no crash instead of one."""
    result = run.result
    if run.marker_created:
        raise Violation(
            f"code in the manifest was executed: it created {run.workspace.marker}\n{result.detail()}"
        )
    if result.status == manifest_tools.TIMED_OUT:
        raise Violation(
            f"no {noun} within the per-call limit: {result.detail()}", FailureKind.OVER_LIMIT
        )
    if not result.answered:
        raise Violation(f"no {noun}: {result.detail()}", FailureKind.CRASHED)


def read_only_and_offline(run: Any, doing: str) -> None:
    """The boundary of a manifest tool (VAL-003, LST-003), judged on its run's evidence: the
    workspace fingerprinted before and after, and the network attempts the sandbox caught."""
    if not run.result.started:
        raise Violation(
            f"the command never ran, so nothing shows that it is read-only and offline: {run.result.how}",
            FailureKind.CRASHED,
        )
    problems = []
    changes = trees.differences(run.before, run.after)
    if changes:
        problems.append(f"changed files while {doing}:\n  " + "\n  ".join(changes))
    if run.result.network_attempts:
        attempts = run.result.network_attempts
        problems.append(
            f"tried to use the network ({run.result.enforcement}): "
            + "; ".join(attempts[:3])
            + (f" (+{len(attempts) - 3} more)" if len(attempts) > 3 else "")
        )
    if problems:
        raise Violation("\n".join(problems))
