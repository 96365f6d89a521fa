"""Prepare cases: the golden fixture repos of ``fixtures/prepare/`` and the manifest corpus.

A case is ``fixtures/prepare/<case-id>/case.yml`` (schema ``prepare-case.schema.json``), a
``repo/`` tree that becomes the checkout, and ``golden/<agent>.json`` for every agent expected
to produce an event. What git or a wheel cannot carry is made at materialisation, always in a
fresh directory under pytest's tmp_path: symlinks (``files:``), and git repositories built
with a fixed author, committer and dates and no user or system configuration, so that HEAD
is the same commit id on every machine.

Every invalid manifest of the corpus (``fixtures/manifests/``) is a prepare case too: prepare
must refuse what SCH calls invalid (PRE-009), however well the rest of the repo is laid out.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kaizen_conformance import contract
from kaizen_conformance.cases.corpus import ManifestEntry, manifest_corpus
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

DEFAULT_CHECKOUT = "subject"
CORPUS_AGENT = "coach"
CORPUS_PREFIX = "corpus-"
GOLDEN_DIR = "golden"

# Who and when for every fixture commit: the commit id depends on nothing else but the tree.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Kaizen Fixture",
    "GIT_AUTHOR_EMAIL": "fixture@kaizen-conformance.invalid",
    "GIT_COMMITTER_NAME": "Kaizen Fixture",
    "GIT_COMMITTER_EMAIL": "fixture@kaizen-conformance.invalid",
}
GIT_SETTINGS = (
    "core.autocrlf=false",
    "core.fileMode=true",
    "commit.gpgSign=false",
    "core.hooksPath=/dev/null",
)


class GitUnavailable(Exception):
    """The case needs a git checkout and this machine cannot build one (the case is skipped, not passed)."""


@dataclass(frozen=True)
class Expectation:
    """What prepare must do for one agent: produce the golden event, or fail on one rule."""

    kind: str  # "event" or "error"
    rule: str | None = None  # PRE-004, PRE-008 or PRE-009 for errors
    names: str | None = None  # text the error message must contain
    never_read: tuple[str, ...] = ()  # workspace-relative files prepare must never read

    @property
    def is_event(self) -> bool:
        return self.kind == "event"


@dataclass(frozen=True)
class Materialised:
    """A case laid out on disk: the checkout, the path handed to prepare, and HEAD as git sees it."""

    workspace: Workspace
    checkout: Path
    given: str
    head: str | None
    marker: Path

    def never_read(self, relative: tuple[str, ...]) -> list[Path]:
        return [self.workspace.root / path for path in relative]


@dataclass(frozen=True)
class PrepareCase:
    """One fixture repo and the agents prepared in it."""

    id: str
    source: Path  # case.yml (the corpus file for corpus cases)
    description: str
    agents: Mapping[str, Expectation]
    checkout: str = DEFAULT_CHECKOUT
    given_path: str | None = None
    files: list[Mapping[str, Any]] = field(default_factory=list)
    git: Mapping[str, Any] | None = None
    repo_source: Path | None = None
    manifest: ManifestEntry | None = None
    # the repo/ tree's files by relative path, when they are not on disk (explored examples)
    repo_files: Mapping[str, bytes] | None = None

    @property
    def directory(self) -> Path:
        return self.source.parent

    def golden(self, agent: str) -> Path:
        return self.directory / GOLDEN_DIR / f"{agent}.json"

    def materialise(self, root: Path) -> Materialised:
        """Lay the case out under ``root`` (a fresh directory): checkout, files, git, then the given path."""
        workspace = new_workspace(root, None)
        checkout = workspace.repos / self.checkout
        if self.repo_source is not None:
            shutil.copytree(self.repo_source, checkout, symlinks=True)
        for relative, content in (self.repo_files or {}).items():
            target = checkout / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        if self.manifest is not None:
            self.manifest.place(workspace, checkout)
            add_corpus_prompt(checkout)
        materialise_files(self.files, workspace, self.source, "$.files")
        head = build_git(self, workspace, checkout) if self.git else None
        if self.git and self.git.get("enclosing"):
            head = None  # a plain directory inside another work tree is no checkout of its own
        given = (
            workspace.expand(self.given_path, self.source, "$.given_path")
            if self.given_path
            else str(checkout)
        )
        if not os.path.isabs(given):
            raise FixtureError(
                self.source,
                f"given_path expands to {given!r}, which is not absolute",
                where="$.given_path",
                fix="start it with {root}, {repos} or {outside}",
            )
        return Materialised(workspace, checkout, given, head, workspace.marker)


def add_corpus_prompt(checkout: Path) -> None:
    """Give the corpus agent a prompt, so that the manifest is the only thing wrong with the repo."""
    kaizen = checkout / ".kaizen"
    if kaizen.is_symlink() or (kaizen.exists() and not kaizen.is_dir()):
        return  # the entry makes .kaizen a link elsewhere or a file: leave it exactly so
    prompt = kaizen / "agents" / CORPUS_AGENT / "prompt.md"
    prompt.parent.mkdir(parents=True, exist_ok=True)
    prompt.write_text(
        "# Coach\n\nThis repo's manifest is the only thing wrong with it.\n", encoding="utf-8"
    )


# --------------------------------------------------------------------------- git checkouts


def git_executable() -> str | None:
    return shutil.which("git")


def git_environment(home: Path) -> dict[str, str]:
    """No user or system configuration, a fixed identity, the C locale: the same commit ids everywhere."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
        "TZ": "UTC",
        **GIT_IDENTITY,
    }


def build_git(case: PrepareCase, workspace: Workspace, checkout: Path) -> str:
    """Make ``checkout`` a git repository as the case's ``git:`` steps say; return HEAD's commit id.
    With ``enclosing``, the directory around it is the repository and the checkout a plain
    directory inside its work tree."""
    git = git_executable()
    if git is None:
        raise GitUnavailable(
            f"git is not installed, so the git checkout of case {case.id} cannot be built"
        )
    assert case.git is not None
    env = git_environment(workspace.root / "git-home")
    if case.git.get("enclosing"):
        checkout = checkout.parent
    options = [item for setting in GIT_SETTINGS for item in ("-c", setting)]

    def run(*words: str, extra: Mapping[str, str] | None = None) -> str:
        try:
            done = subprocess.run(
                [git, *options, *words],
                cwd=checkout,
                env={**env, **(extra or {})},
                capture_output=True,
                text=True,
                timeout=60,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitUnavailable(
                f"git {words[0]} could not run for case {case.id}: {exc}"
            ) from None
        if done.returncode != 0:
            raise GitUnavailable(
                f"git {' '.join(words)} failed for case {case.id} (exit {done.returncode}): {done.stderr.strip()[:300]}"
            )
        return done.stdout.strip()

    init = ["init", "-q", "--template="]
    if "separate_git_dir" in case.git:
        init += ["--separate-git-dir", str(workspace.root / case.git["separate_git_dir"])]
    run(*init, ".")
    run(
        "symbolic-ref", "HEAD", "refs/heads/main"
    )  # not the configured default branch, whatever it is
    for step in case.git["steps"]:
        if "commit" in step:
            normalise_modes(checkout)
            run("add", "-A", ".")
            dates = {"GIT_AUTHOR_DATE": step["date"], "GIT_COMMITTER_DATE": step["date"]}
            empty = ["--allow-empty"] if step.get("allow_empty") else []
            run("commit", "-q", *empty, "-m", step["commit"], extra=dates)
        elif "detach" in step:
            run("checkout", "-q", "--detach", step["detach"])
        elif "branch" in step:
            run("branch", step["branch"])
        else:
            run("pack-refs", "--all", "--prune")
    return run("rev-parse", "--verify", "HEAD^{commit}")


def normalise_modes(checkout: Path) -> None:
    """Regular files 0644 before a commit: an installed kit's file modes must not change commit ids."""
    for directory, dirnames, filenames in os.walk(checkout):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            path = Path(directory, name)
            if not path.is_symlink() and stat.S_ISREG(path.lstat().st_mode):
                path.chmod(0o644)


def enclosing_git_checkout(path: Path) -> Path | None:
    """The git checkout above ``path``, if any: a prepare that asks git may find it (PRE-010 hints)."""
    for parent in path.parents:
        if (parent / ".git").exists():
            return parent
    return None


# --------------------------------------------------------------------------- loading


def load_prepare_case(case_dir: Path) -> PrepareCase:
    source = case_dir / "case.yml"
    data = read_yaml(source)
    check_against("prepare-case", data, source)
    if not (case_dir / "repo").is_dir():
        raise FixtureError(
            case_dir,
            "no repo/ directory: the checkout this case prepares",
            fix="add repo/ with at least .kaizen/ (see docs/prepare.md)",
        )
    check_declared(source, [Declared("$.files", data.get("files", []))])
    agents = {name: expectation(value) for name, value in data["agents"].items()}
    created = {
        entry["path"] for entry in data.get("files", []) if "text" in entry or "copy" in entry
    }
    for name, expect in agents.items():
        for index, path in enumerate(expect.never_read):
            if path not in created:
                raise FixtureError(
                    source,
                    f"never_read names {path}, which no files: entry creates",
                    where=f"$.agents.{name}.never_read[{index}]",
                    fix="add a files: entry with that path (text: or copy:) for the symlink to point to",
                )
    case = PrepareCase(
        id=case_dir.name,
        source=source,
        description=" ".join(data["description"].split()),
        agents=agents,
        checkout=data.get("checkout", DEFAULT_CHECKOUT),
        given_path=data.get("given_path"),
        files=data.get("files", []),
        git=data.get("git"),
        repo_source=case_dir / "repo",
    )
    check_goldens_belong(case)
    return case


def expectation(value: Any) -> Expectation:
    if value == "event":
        return Expectation("event")
    return Expectation(
        "error", value["error"], value.get("names"), tuple(value.get("never_read", ()))
    )


def check_goldens_belong(case: PrepareCase) -> None:
    """A golden without an agent expecting an event is stale: it would silently never be compared."""
    golden_dir = case.directory / GOLDEN_DIR
    if not golden_dir.is_dir():
        return
    events = {name for name, expect in case.agents.items() if expect.is_event}
    for path in sorted(golden_dir.iterdir()):
        if path.suffix != ".json" or path.stem not in events:
            raise FixtureError(
                path,
                f"no agent of case {case.id} expects an event with this golden",
                fix=f"remove it, or list agent {path.stem!r} as 'event' in {case.source.name}",
            )


def missing_goldens(case: PrepareCase) -> list[Path]:
    events = [name for name, expect in case.agents.items() if expect.is_event]
    return [case.golden(name) for name in events if not case.golden(name).is_file()]


def corpus_case(entry: ManifestEntry) -> PrepareCase:
    """An invalid manifest of the corpus in an otherwise preparable repo: an error naming schedule.yml."""
    return PrepareCase(
        id=f"{CORPUS_PREFIX}{entry.id}",
        source=entry.source,
        description=f"Invalid manifest from the corpus: {entry.description}",
        agents={CORPUS_AGENT: Expectation("error", "PRE-009", "schedule.yml")},
        manifest=entry,
    )


@cache
def fixture_cases(root: Path) -> tuple[PrepareCase, ...]:
    """Every case under ``<root>/prepare/``, sorted by id."""
    base = role_base(root, "prepare", "see docs/prepare.md")
    cases = []
    for case_dir in case_dirs(base):
        case_file(case_dir, "see docs/prepare.md")
        cases.append(load_prepare_case(case_dir))
    return tuple(cases)


def corpus_cases() -> tuple[PrepareCase, ...]:
    """Invalid corpus manifests judged so by MUST rules only (a SHOULD may be left unmet).

    Parser-dependent manifests are left out: a prepare may read them either way.
    """
    catalogue = contract.catalogue()
    return tuple(
        corpus_case(entry)
        for entry in manifest_corpus()
        if not entry.valid
        and not entry.parser_dependent  # no single verdict: prepare may go either way
        and all(catalogue[rule].is_must for rule in entry.rules)
    )


def prepare_cases() -> tuple[PrepareCase, ...]:
    cases = fixture_cases(fixtures_root()) + corpus_cases()
    seen: dict[str, PrepareCase] = {}
    for case in cases:
        if case.id in seen:
            raise FixtureError(
                case.source,
                f"case id {case.id} is also used by {seen[case.id].source}",
                fix=f"rename the fixture directory: ids starting with {CORPUS_PREFIX} are the corpus's",
            )
        seen[case.id] = case
    return cases
