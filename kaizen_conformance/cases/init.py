"""Init cases: ``fixtures/init/<id>/case.yml`` plus every corpus entry as a starting point.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
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

ROLE = "init"
KAIZEN = Path(".kaizen")
MANIFEST = KAIZEN / "schedule.yml"


@dataclass(frozen=True)
class InitCase:
    """One checkout to run init on, and what init must do there."""

    id: str
    source: Path
    description: str
    rules: tuple[str, ...]
    checkout: str = "subject"
    files: list[Mapping[str, Any]] = field(default_factory=list)
    repos_source: Path | None = None
    manifest: ManifestEntry | None = None  # a corpus entry placed in the checkout

    def materialise(self, root: Path) -> tuple[Workspace, Path]:
        workspace = new_workspace(root, self.repos_source)
        checkout = workspace.repos / self.checkout
        if self.manifest is not None:
            self.manifest.place(workspace, checkout)
        materialise_files(self.files, workspace, self.source, "$.files")
        checkout.mkdir(parents=True, exist_ok=True)
        return workspace, checkout


# --------------------------------------------------------------------------- loading and linting


def load_init_case(case_dir: Path) -> InitCase:
    source = case_dir / "case.yml"
    data = read_yaml(source)
    check_against("init-case", data, source)
    check_declared(source, [Declared("$.files", data.get("files", []))], tree=case_dir / "repos")
    return InitCase(
        id=case_dir.name,
        source=source,
        description=" ".join(data["description"].split()),
        rules=tuple(data["rules"]),
        checkout=data.get("checkout", "subject"),
        files=data.get("files", []),
        repos_source=case_dir / "repos",
    )


def corpus_case(entry: ManifestEntry, has_manifest: bool) -> InitCase:
    """A corpus manifest in a checkout: init must refuse wherever a schedule.yml entry exists."""
    what = (
        "refuses and leaves it byte-identical"
        if has_manifest
        else "changes nothing outside .kaizen/"
    )
    return InitCase(
        id=entry.id,
        source=entry.source,
        description=f"{entry.description} (init {what})",
        rules=("INI-003",) if has_manifest else ("INI-002",),
        manifest=entry,
    )


def starting_point(case: InitCase) -> tuple[bool, bool]:
    """Whether the materialised checkout has ``.kaizen`` and ``.kaizen/schedule.yml`` (any kind, even dangling).

    Found by materialising the case in a scratch directory: the case data says what to
    create, and only the created tree says what exists (links, removals, copies).
    """
    with tempfile.TemporaryDirectory(prefix="kaizen-init-probe-") as probe:
        try:
            _, checkout = case.materialise(Path(probe))
        except OSError as exc:
            raise FixtureError(
                case.source,
                f"case {case.id} cannot be materialised: {exc}",
                fix="correct its files: entries (paths, symlinks, copies)",
            ) from None
        return os.path.lexists(checkout / KAIZEN), os.path.lexists(checkout / MANIFEST)


def leaves_manifest(case: InitCase) -> bool:
    """Whether the case's checkout starts with a ``.kaizen/schedule.yml`` entry."""
    entry = case.manifest
    if (
        entry is not None
        and (entry.file or entry.generate)
        and not any("remove" in f for f in entry.files)
    ):
        return True  # written before the extra files, which remove nothing (no need to write 10 MiB to know)
    return starting_point(case)[1]


def lint(case: InitCase) -> None:
    """A case's starting point must fit its rules, or its verdict would mean nothing."""
    has_kaizen, has_manifest = starting_point(case)
    if "INI-001" in case.rules and has_kaizen:
        raise FixtureError(
            case.source,
            "an INI-001 case must start without .kaizen in the checkout",
            where="$.rules",
            fix="remove the .kaizen entries from files:, or use INI-002 / INI-003",
        )
    if "INI-003" in case.rules and not has_manifest:
        raise FixtureError(
            case.source,
            "an INI-003 case must start with .kaizen/schedule.yml in the checkout",
            where="$.rules",
            fix="create .kaizen/schedule.yml under files:, or use INI-001 / INI-002",
        )


def all_cases(root: Path | None = None) -> tuple[InitCase, ...]:
    """The cases of ``<fixtures>/init/`` then one per corpus entry, linted, ids unique."""
    return _all_cases(root or fixtures_root())


@cache
def _all_cases(root: Path) -> tuple[InitCase, ...]:
    base = role_base(root, "init", "see docs/manifest-tools.md")
    cases: list[InitCase] = []
    for case_dir in case_dirs(base):
        case_file(case_dir, "see docs/manifest-tools.md")
        case = load_init_case(case_dir)
        lint(case)
        cases.append(case)
    own = {case.id: case for case in cases}
    for entry in manifest_corpus(root):
        refuse_corpus_ids(own, entry, "init")
        probe = InitCase(entry.id, entry.source, entry.description, (), manifest=entry)
        cases.append(corpus_case(entry, leaves_manifest(probe)))
    return tuple(cases)
