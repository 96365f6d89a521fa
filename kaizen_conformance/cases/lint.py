"""``kaizen-conformance check-fixtures``: every problem of the fixture tree at once, each naming its file.

Collection stops at the first malformed case, which is right for a test run and slow for a
contributor fixing several. The lint loads every resolver case on its own (the collection below reuses them), materialises
every case into a scratch directory (so a placeholder or copy source that only fails there
is found too), collects every role's checks under both profiles, and demands that every
catalogue rule of a role with a suite has at least one check. CI runs it.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaizen_conformance.cases.loading import (
    EXTRA_ROLES,
    FixtureError,
    check_extra_tree,
    fixtures_root,
)


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    is_fixture_tree: bool = False  # False when the root is not laid out like fixtures/ at all

    def add(self, error: BaseException, context: str = "") -> None:
        text = (
            str(error)
            if isinstance(error, FixtureError)
            else f"{context}: {type(error).__name__}: {error}"
        )
        if text not in self.problems:
            self.problems.append(text)


def lint_resolver_cases(root: Path, report: Report) -> list[Any]:
    """Load each resolver case on its own (one bad case does not hide the next).

    When all of them load, the run's collection (``lint_coverage``) reuses them.
    """
    from kaizen_conformance.cases.resolver import load_each

    problems: list[FixtureError] = []
    loaded = load_each(root, problems)
    for problem in problems:
        report.add(problem)
    if (root / "resolver").is_dir():
        report.counts["resolver cases"] = len(loaded)
    return loaded


def lint_corpus(root: Path, report: Report) -> list[Any]:
    from kaizen_conformance.cases.corpus import manifest_corpus

    try:
        entries = list(manifest_corpus(root))
    except FixtureError as exc:
        report.add(exc)
        return []
    report.counts["corpus manifests"] = len(entries)
    manifests = root / "manifests"
    listed = {entry.file for entry in entries if entry.file}
    for path in sorted(manifests.rglob("*.yml")):
        relative = path.relative_to(manifests).as_posix()
        if relative != "corpus.yml" and relative not in listed:
            report.add(
                FixtureError(
                    path,
                    "no corpus entry uses this manifest file",
                    fix="add an entry for it to manifests/corpus.yml, or delete it",
                )
            )
    return entries


def lint_list_cases(root: Path, report: Report) -> None:
    """Load and lint each ``list/`` case on its own: its ``expect`` against the kit's judge."""
    from kaizen_conformance.cases.listing import lint as lint_case
    from kaizen_conformance.cases.listing import load_list_case
    from kaizen_conformance.cases.loading import case_dirs, case_file

    base = root / "list"
    count = 0
    for case_dir in case_dirs(base):
        try:
            case_file(case_dir, "see contract/schemas/list-case.schema.json")
            lint_case(load_list_case(case_dir))
            count += 1
        except FixtureError as exc:
            report.add(exc)
    if base.is_dir():
        report.counts["list cases"] = count


def lint_materialise(cases: list[Any], entries: list[Any], report: Report) -> None:
    """Build every case once: what only fails at materialisation fails here, not in a user's run."""
    from kaizen_conformance.cases.resolver import corpus_case

    with tempfile.TemporaryDirectory(prefix="kaizen-check-fixtures-") as scratch:
        for number, case in enumerate([*cases, *(corpus_case(entry) for entry in entries)]):
            try:
                case.materialise(Path(scratch) / str(number))
            except FixtureError as exc:
                report.add(exc)
            except OSError as exc:
                report.add(
                    FixtureError(
                        case.source,
                        f"case {case.id} cannot be materialised: {exc}",
                        fix="correct its files: entries (paths, symlinks, copies)",
                    )
                )


def lint(root: Path | None = None) -> Report:
    """Every problem of the fixture tree at ``root`` (default: the fixtures in use)."""
    from kaizen_conformance.cases import loading as case_loading

    case_loading.VALIDATE_SHIPPED = True  # the lint checks what a wheel ships, too
    root = root or fixtures_root()
    report = Report()
    if not (root / "manifests" / "corpus.yml").is_file():
        if any((root / role).is_dir() for role in EXTRA_ROLES):
            return lint_extra(root)
        report.add(
            FixtureError(
                root,
                "is not a fixtures directory: it has no manifests/corpus.yml",
                fix="point at a directory laid out like the kit's fixtures/ (resolver/, manifests/, ...), "
                f"or at a directory of extra cases ({', '.join(r + '/NAME/case.yml' for r in EXTRA_ROLES)})",
            )
        )
        return report
    report.is_fixture_tree = True
    cases = lint_resolver_cases(root, report)
    entries = lint_corpus(root, report)
    lint_list_cases(root, report)
    lint_materialise(cases, entries, report)
    return report


def lint_extra(root: Path) -> Report:
    """A directory of extra cases (``--kaizen-extra-cases``): its layout, every case, and ids
    that collide with the fixtures in use. Rule coverage is the shipped tree's business."""
    from kaizen_conformance.cases.resolver import all_cases

    report = Report()
    try:
        check_extra_tree(root, str(root))
    except FixtureError as exc:
        report.add(exc)
        return report
    cases = lint_resolver_cases(root, report)
    report.counts["extra resolver cases"] = report.counts.pop("resolver cases", len(cases))
    shipped = {case.id: case for case in all_cases()}
    for case in cases:
        if case.id in shipped:
            report.add(
                FixtureError(
                    case.source,
                    f"case id {case.id} is also used by {shipped[case.id].source}",
                    fix="rename the extra case's directory: its id must differ from every shipped case and corpus entry",
                )
            )
    lint_materialise(cases, [], report)
    return report
