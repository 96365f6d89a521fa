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
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from kaizen_conformance import _trees, manifest_check
from kaizen_conformance._checks import Check, CheckContext, Violation
from kaizen_conformance._settings import Settings
from kaizen_conformance.adapters import manifest_tools
from kaizen_conformance.adapters.manifest_tools import ToolRun
from kaizen_conformance.cases import (
    WORKSPACE_PLACEHOLDERS,
    FixtureError,
    ManifestEntry,
    Workspace,
    check_against,
    check_files_entries,
    fixtures_root,
    manifest_corpus,
    materialise_files,
    new_workspace,
    read_yaml,
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
    check_files_entries(data.get("files", []), source, "$.files", WORKSPACE_PLACEHOLDERS)
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
    what = "refuses and leaves it byte-identical" if has_manifest else "changes nothing outside .kaizen/"
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
            raise FixtureError(case.source, f"case {case.id} cannot be materialised: {exc}",
                               fix="correct its files: entries (paths, symlinks, copies)") from None
        return os.path.lexists(checkout / KAIZEN), os.path.lexists(checkout / MANIFEST)


def leaves_manifest(case: InitCase) -> bool:
    """Whether the case's checkout starts with a ``.kaizen/schedule.yml`` entry."""
    entry = case.manifest
    if entry is not None and (entry.file or entry.generate) and not any("remove" in f for f in entry.files):
        return True  # written before the extra files, which remove nothing (no need to write 10 MiB to know)
    return starting_point(case)[1]


def lint(case: InitCase) -> None:
    """A case's starting point must fit its rules, or its verdict would mean nothing."""
    has_kaizen, has_manifest = starting_point(case)
    if "INI-001" in case.rules and has_kaizen:
        raise FixtureError(case.source, "an INI-001 case must start without .kaizen in the checkout",
                           where="$.rules", fix="remove the .kaizen entries from files:, or use INI-002 / INI-003")
    if "INI-003" in case.rules and not has_manifest:
        raise FixtureError(case.source, "an INI-003 case must start with .kaizen/schedule.yml in the checkout",
                           where="$.rules", fix="create .kaizen/schedule.yml under files:, or use INI-001 / INI-002")


def all_cases(root: Path | None = None) -> tuple[InitCase, ...]:
    """The cases of ``<fixtures>/init/`` then one per corpus entry, linted, ids unique."""
    return _all_cases(root or fixtures_root())


@lru_cache(maxsize=None)
def _all_cases(root: Path) -> tuple[InitCase, ...]:
    base = root / "init"
    cases: list[InitCase] = []
    for case_dir in sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []:
        if not (case_dir / "case.yml").is_file():
            raise FixtureError(case_dir, "a case directory without case.yml",
                               fix="add case.yml (see docs/manifest-tools.md) or remove the directory")
        case = load_init_case(case_dir)
        lint(case)
        cases.append(case)
    own = {case.id: case for case in cases}
    for entry in manifest_corpus(root):
        if entry.id in own:
            raise FixtureError(own[entry.id].source, f"case id {entry.id} is also used by the manifest corpus {entry.source}",
                               fix="rename the init case's directory: every corpus entry is an init case already")
        probe = InitCase(entry.id, entry.source, entry.description, (), manifest=entry)
        cases.append(corpus_case(entry, leaves_manifest(probe)))
    return tuple(cases)


def collect(settings: Settings) -> list[Check]:
    checks = []
    for case in all_cases():
        for rule in ("INI-001", "INI-003"):
            if rule in case.rules:
                checks.append(Check(ROLE, (rule,), case.id, partial(CHECKERS[rule], case), case.description))
        checks.append(Check(ROLE, ("INI-002",), case.id, partial(check_boundary, case), case.description))
    return checks


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    """One call of init on one materialised case."""

    case: InitCase
    workspace: Workspace
    checkout: Path
    result: ToolRun
    before: dict[str, Any]
    after: dict[str, Any]
    protected: tuple[str, ...]  # the existing manifest, as paths of the fingerprint


def execute(context: CheckContext, case: InitCase) -> Run:
    workspace, checkout = case.materialise(context.workspace_dir(f"ini-{case.id}"))
    before = _trees.fingerprint(workspace.root)
    protected = existing_manifest_paths(workspace.root, checkout)
    scratch = partial(context.workspace_dir, f"ini-scratch-{case.id}")  # never inside the fingerprinted tree
    result = manifest_tools.init(context.settings, checkout, f"init {case.id}", scratch)
    after = _trees.fingerprint(workspace.root)
    return Run(case, workspace, checkout, result, before, after, protected)


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


def changed_paths(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def describe_change(path: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    if path not in before:
        return f"added    {path}"
    if path not in after:
        return f"removed  {path}"
    what = "mode" if before[path][1] == after[path][1] else "content"
    return f"changed  {path} ({what})"


def listing(lines: list[str], limit: int = 10) -> str:
    shown = lines[:limit] + ([f"... and {len(lines) - limit} more"] if len(lines) > limit else [])
    return "\n  ".join(shown)


# --------------------------------------------------------------------------- checks


def check_scaffold(case: InitCase, context: CheckContext) -> None:
    """INI-001: on a checkout without .kaizen/, init succeeds and writes a manifest SCH calls valid."""
    run = run_of(context, case)
    result = run.result
    if not result.succeeded:
        verb = {"failed": "refused (raised / exited non-zero)"}.get(result.status, result.status)
        raise Violation(f"{verb} on a checkout without .kaizen/, where it must write the scaffold\n{result.detail()}")
    verdict = manifest_check.check_checkout(run.checkout, portable=True)
    if verdict.missing:
        raise Violation(f"reported success, but the checkout has no manifest that counts: {verdict.reason}\n"
                        f"{result.detail()}")
    if not verdict.valid:
        raise Violation(f"wrote a .kaizen/schedule.yml that SCH calls invalid: {verdict.reason}\n"
                        f"it starts {scaffold_head(run.checkout)}")


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
        problems.append(f"did not refuse: it {result.how}, where .kaizen/schedule.yml already exists "
                        "(refusing is raising, or exiting non-zero)")
    elif not result.answered:
        problems.append(f"gave no answer, and a hang or a crash is not a refusal: {result.detail()}")
    touched = [p for p in changed_paths(run.before, run.after) if any(under(p, q) for q in run.protected)]
    if touched:
        lines = [describe_change(p, run.before, run.after) for p in touched]
        problems.append("the existing manifest did not survive:\n  " + listing(lines))
    if problems:
        raise Violation(f"{case.description}\n" + "\n".join(problems))


def check_boundary(case: InitCase, context: CheckContext) -> None:
    """INI-002: init changes nothing but .kaizen/ in the checkout (through a link, .kaizen/ is elsewhere)."""
    run = run_of(context, case)
    if not run.result.started:
        raise Violation(f"the command never ran, so nothing shows what it would change: {run.result.how}")
    allowed = (run.checkout / KAIZEN).relative_to(run.workspace.root).as_posix()
    stray = [p for p in changed_paths(run.before, run.after) if not under(p, allowed)]
    if stray:
        lines = [describe_change(p, run.before, run.after) for p in stray]
        raise Violation(f"changed files outside {allowed}/:\n  {listing(lines)}")


CHECKERS = {"INI-001": check_scaffold, "INI-003": check_refusal}
