"""List cases: ``fixtures/list/<id>/case.yml`` plus every entry of the manifest corpus.

A case is a checkout and what ``schedule list`` must answer there: the agents in file order
(LST-001) or an error (LST-002). Corpus entries take their answer from their label: a valid
manifest must be listed (the agents are read by the kit's own judge when the check runs), an
invalid one must be an error, and a parser-dependent one is held to no answer (contract
section 7) but still to LST-003 and LST-004. Every case is linted against the kit's judge, so
a case's ``expect`` can never disagree with what SCH says the manifest holds.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kaizen_conformance.cases.corpus import ManifestEntry, manifest_corpus, refuse_corpus_ids
from kaizen_conformance.cases.loading import (
    FixtureError,
    case_dirs,
    case_file,
    check_against,
    fixtures_root,
    read_yaml,
    role_base,
)
from kaizen_conformance.cases.workspace import (
    Declared,
    Workspace,
    check_declared,
    materialise_files,
    new_workspace,
)
from kaizen_conformance.contract import manifest_judge

ROLE = "list"
CHECKOUT = "subject"
GUIDE = "see docs/CASES.md and contract/schemas/list-case.schema.json"
# What a case demands of the answer: the list (LST-001), an error (LST-002), or no answer at all
# (a parser-dependent manifest: contract section 7).
LISTED, ERROR, EITHER = "listed", "error", "either"


@dataclass(frozen=True)
class ListCase:
    """One checkout to run ``schedule list`` on, and the answer it must give.

    ``expected``: the agents as list must show them, when the case itself says so (a corpus
    entry leaves it to the kit's judge, read from the materialised checkout).
    """

    id: str
    source: Path
    description: str
    answer: str  # LISTED, ERROR or EITHER
    expected: tuple[Mapping[str, Any], ...] | None = None
    files: list[Mapping[str, Any]] = field(default_factory=list)
    repos_source: Path | None = None
    manifest: ManifestEntry | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        verdict = {LISTED: ("LST-001",), ERROR: ("LST-002",), EITHER: ()}[self.answer]
        return (*verdict, "LST-003", "LST-004")

    def materialise(self, root: Path) -> tuple[Workspace, Path]:
        workspace = new_workspace(root, self.repos_source)
        checkout = workspace.repos / CHECKOUT
        if self.manifest is not None:
            self.manifest.place(workspace, checkout)
        materialise_files(self.files, workspace, self.source, "$.files")
        checkout.mkdir(parents=True, exist_ok=True)
        return workspace, checkout


def listing(agents: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What list shows of a manifest's agents (LST-001): four keys each, defaults filled in."""
    return [
        {
            "name": agent["name"],
            "cadence": agent["cadence"],
            "enabled": agent.get("enabled", True),
            "description": agent.get("description"),
        }
        for agent in agents
    ]


# --------------------------------------------------------------------------- loading and linting


def load_list_case(case_dir: Path) -> ListCase:
    source = case_dir / "case.yml"
    data = read_yaml(source)
    check_against("list-case", data, source)
    check_declared(source, [Declared("$.files", data.get("files", []))], tree=case_dir / "repos")
    expect = data["expect"]
    return ListCase(
        id=case_dir.name,
        source=source,
        description=" ".join(data["description"].split()),
        answer=ERROR if expect == "error" else LISTED,
        expected=None if expect == "error" else tuple(expect),
        files=data.get("files", []),
        repos_source=case_dir / "repos",
    )


def lint(case: ListCase) -> None:
    """The case's ``expect`` must be what the kit's judge reads in the checkout, or its verdict means nothing."""
    with tempfile.TemporaryDirectory(prefix="kaizen-list-probe-") as probe:
        try:
            _, checkout = case.materialise(Path(probe))
        except OSError as exc:
            raise FixtureError(
                case.source,
                f"case {case.id} cannot be materialised: {exc}",
                fix="correct its files: entries (paths, symlinks, copies)",
            ) from None
        verdict = manifest_judge.check_checkout(checkout)
        agents = manifest_judge.agents_in(checkout)
    if case.answer == ERROR and verdict.valid:
        raise FixtureError(
            case.source,
            "expect is error, but the checkout's manifest is valid",
            where="$.expect",
            fix="write the agents list must show, or make the manifest invalid (or remove it)",
        )
    if case.answer == LISTED:
        if agents is None:
            raise FixtureError(
                case.source,
                f"expect is a list, but the checkout's manifest is not valid: {verdict.reason}",
                where="$.expect",
                fix="correct the manifest under files:, or write expect: error",
            )
        wanted = listing(agents)
        if [dict(agent) for agent in case.expected or ()] != wanted:
            raise FixtureError(
                case.source,
                f"expect does not match the manifest, which lists {wanted}",
                where="$.expect",
                fix="write the manifest's agents in file order, enabled true and description null where absent",
            )


def corpus_case(entry: ManifestEntry) -> ListCase:
    """A corpus manifest in a checkout: listed when valid, an error when invalid."""
    answer = EITHER if entry.parser_dependent else LISTED if entry.valid else ERROR
    return ListCase(
        id=entry.id,
        source=entry.source,
        description=entry.description,
        answer=answer,
        manifest=entry,
    )


def all_cases(root: Path | None = None) -> tuple[ListCase, ...]:
    """The cases of ``<fixtures>/list/`` then one per corpus entry, linted, ids unique."""
    return _all_cases(root or fixtures_root())


@cache
def _all_cases(root: Path) -> tuple[ListCase, ...]:
    cases: list[ListCase] = []
    for case_dir in case_dirs(role_base(root, "list", GUIDE)):
        case_file(case_dir, GUIDE)
        case = load_list_case(case_dir)
        lint(case)
        cases.append(case)
    own = {case.id: case for case in cases}
    for entry in manifest_corpus(root):
        refuse_corpus_ids(own, entry, "list")
        cases.append(corpus_case(entry))
    return tuple(cases)
