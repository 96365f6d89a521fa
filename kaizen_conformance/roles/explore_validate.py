"""``schedule validate`` explored: manifests drawn from the grammar of ``cases/explore_manifests.py``
(valid ones in many writings, invalid ones one mutation away), each placed in a checkout and run
through the validator as a corpus case is (``roles.validate.execute``), and judged against the
verdict the contract's own judge gives the text, with the golden check's words
(``roles.validate.judge_verdict``).

A failure is written as an entry of the manifest corpus, which is where validate's golden cases
come from: ``<out>/validate/<id>/corpus.yml`` (append it to ``fixtures/manifests/corpus.yml``) and
its manifest under ``explored/`` (copy it into ``fixtures/manifests/``).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaizen_conformance.core.checks import CheckContext, FailureKind, Violation
from kaizen_conformance.roles.explore import Finding, Verdict, drive, scratch, write_out

if TYPE_CHECKING:
    from kaizen_conformance.cases.corpus import ManifestEntry

ROLE = "validate"


def rule_broken(sch_rule: str) -> str:
    """The rule a wrong verdict breaks, as the golden check of a corpus entry lists it: VAL-001
    for a manifest whose rule is a MUST; the SHOULD rule alone (SCH-005) otherwise."""
    from kaizen_conformance import contract

    return "VAL-001" if contract.catalogue()[sch_rule].is_must else sch_rule


def what_it_is(valid: bool, text: str) -> str:
    """The manifest as the corpus would describe it: valid, or invalid and why (the judge's word)."""
    from kaizen_conformance.contract import manifest_judge

    if valid:
        return "valid to the contract's judge"
    return f"invalid: {manifest_judge.check_bytes(text.encode('utf-8')).reason}"


def shown(text: str, lines: int = 12) -> str:
    """The manifest's text, indented, as a failure shows it (the first ``lines`` lines)."""
    body = text.splitlines()
    more = f"\n    ... ({len(body) - lines} more lines)" if len(body) > lines else ""
    return "\n".join("    " + repr(line)[1:-1] for line in body[:lines]) + more


# One example run and judged: (the rule it breaks, the golden check's message, what happened) or
# None when right.
RunAndJudge = Callable[[CheckContext, "ManifestEntry", Path], "tuple[str, str, FailureKind] | None"]


def explore_validate(context: CheckContext) -> tuple[Finding | None, int]:
    """Run the budget of examples; (the shrunk failure or None, examples run)."""
    return explore_manifest_tool(context, ROLE, "a validator", validate_one)


def validate_one(
    context: CheckContext, entry: ManifestEntry, root: Path
) -> tuple[str, str, FailureKind] | None:
    """The validator run on ``entry`` as on a corpus case, judged by the golden verdict check."""
    from kaizen_conformance.roles.validate import answered_safely, execute, judge_verdict

    run = execute(context, entry, root=root)
    try:
        answered_safely(run, "verdict")
        judge_verdict(entry, run)
    except Violation as violation:
        return rule_broken(entry.rules[0]), str(violation), violation.kind
    return None


def explore_manifest_tool(
    context: CheckContext, role: str, tool: str, run_and_judge: RunAndJudge
) -> tuple[Finding | None, int]:
    """Draw manifests from the grammar, half of them mutated; run each through
    ``run_and_judge`` in a workspace removed after it; a failure is a corpus entry."""
    from kaizen_conformance.cases import explore_manifests as grammar
    from kaizen_conformance.cases.explore import example_id

    chosen_seed = int(context.settings.options.explore_seed)
    base = scratch(context, role)
    runs = [0]

    def judge(data: dict[str, Any]) -> Verdict | None:
        """The rule, message and corpus entry when the tool gets ``data`` wrong."""
        drawn = grammar.Drawn(data["manifest"], data["valid"], data["rule"])
        case_id = example_id(data)
        runs[0] += 1
        root = base / f"{runs[0]}"
        what = what_it_is(drawn.valid, drawn.text)
        try:
            entry, _, _ = grammar.corpus_entry(drawn, case_id, what, root / "corpus")
            judged = run_and_judge(context, entry, root)
            if judged is None:
                return None
            rule, message, kind = judged
            verdict = "rejected" if drawn.valid else "accepted"
            found = f"Found by exploration (seed {chosen_seed}): {what}; {tool} {verdict} it"
            _, data_out, files = grammar.corpus_entry(drawn, case_id, found[:300], root / "written")
            # a header line first, as the resolver's: the summary shows the line after it
            message = (
                f"an explored manifest ({case_id})\n{message}\n"
                f"the manifest (.kaizen/schedule.yml):\n{shown(drawn.text)}"
            )
            return Verdict(rule, message, data_out, files, kind=kind)
        finally:
            shutil.rmtree(root, ignore_errors=True)

    try:
        finding, run = drive(
            context,
            role,
            grammar.manifests().map(grammar.Drawn.as_data),
            judge,
            example_id=example_id,
            home=base.parent / "hypothesis-home",
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if finding is not None:
        from kaizen_conformance.cases.explore_manifests import write_entry

        write_out(context, finding, write_entry)
    return finding, run
