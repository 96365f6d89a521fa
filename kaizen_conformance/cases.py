"""Golden fixture cases: loading, checking and materialising them.

A case is data a contributor writes without Python: ``fixtures/<role>/<case-id>/case.yml``
plus an optional ``repos/`` tree of checkouts. Anything git or a wheel cannot carry
(symlinks, multi-megabyte or generated files) is declared under ``files:`` and created when
the case is materialised — always into a fresh directory under pytest's tmp_path, so the
fixture sources are never touched.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from kaizen_conformance import contract
from kaizen_conformance._paths import fixtures_dir

# libyaml's safe loader where PyYAML has it: reading every case.yml is most of collection time.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class FixtureError(Exception):
    """A fixture file is malformed. The message names the file, where, what, and the fix."""

    def __init__(self, path: Path | str, problem: str, *, where: str = "$", fix: str = "") -> None:
        self.path, self.where, self.problem, self.fix = str(path), where, problem, fix
        message = f"{path}: at {where}: {problem}"
        if fix:
            message += f"\n  fix: {fix}"
        super().__init__(message)


def read_yaml(path: Path) -> Any:
    """Read one fixture YAML file with a safe loader; syntax errors become FixtureErrors."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError(path, f"cannot be read: {exc}", fix="make it a readable UTF-8 file") from None
    except yaml.YAMLError as exc:
        raise FixtureError(path, f"is not valid YAML: {exc}", fix="correct the YAML syntax") from None


def check_against(schema_name: str, data: Any, path: Path) -> None:
    """Raise the clearest schema violation of ``data`` as a FixtureError naming the JSON path."""
    from jsonschema.exceptions import best_match

    error = best_match(contract.validator(schema_name).iter_errors(data))
    if error is not None:
        raise FixtureError(
            path,
            error.message,
            where=error.json_path,
            fix=f"see the schema kaizen_conformance/contract/schemas/{schema_name}.schema.json",
        )


def check_rule_ids(ids: Iterable[str], path: Path, where: str) -> None:
    known = contract.catalogue()
    for index, rule_id in enumerate(ids):
        if rule_id not in known:
            raise FixtureError(
                path,
                f"rule {rule_id} is not in the catalogue",
                where=f"{where}[{index}]",
                fix="use an id listed by the catalogue (kaizen_conformance/contract/rules/*.yml)",
            )


# --------------------------------------------------------------------------- workspaces


@dataclass
class Workspace:
    """A materialised case: ``repos/`` (checkouts), ``outside/`` (beyond every checkout)."""

    root: Path

    @property
    def repos(self) -> Path:
        return self.root / "repos"

    @property
    def outside(self) -> Path:
        return self.root / "outside"

    @property
    def marker(self) -> Path:
        """A path a hostile manifest tries to create; its existence proves code ran."""
        return self.root / "marker-code-was-executed"

    def placeholders(self) -> dict[str, str]:
        return {
            "root": str(self.root),
            "repos": str(self.repos),
            "outside": str(self.outside),
            "marker": str(self.marker),
            # the checkouts seen from the current directory: a relative host path that exists
            "repos_rel": os.path.relpath(self.repos),
        }

    def expand(self, value: str, source: Path, where: str) -> str:
        known = self.placeholders()

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in known:
                raise FixtureError(
                    source,
                    f"placeholder {{{name}}} does not resolve",
                    where=where,
                    fix=f"use one of {', '.join('{' + k + '}' for k in known)}",
                )
            return known[name]

        return PLACEHOLDER.sub(substitute, value)


def new_workspace(root: Path, repos_source: Path | None) -> Workspace:
    """Copy a case's own checkouts (and nothing else) into ``root``."""
    workspace = Workspace(root)
    if repos_source is not None and repos_source.is_dir():
        shutil.copytree(repos_source, workspace.repos, symlinks=True)
    else:
        workspace.repos.mkdir(parents=True)
    workspace.outside.mkdir()
    return workspace


def materialise_files(entries: list[Mapping[str, Any]], workspace: Workspace, source: Path, where: str) -> None:
    """Create what a case declares under ``files:``, in order."""
    for index, entry in enumerate(entries):
        at = f"{where}[{index}]"
        target = workspace.root / workspace.expand(entry["path"], source, f"{at}.path")
        target.parent.mkdir(parents=True, exist_ok=True)
        if "remove" in entry:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
        elif "mkdir" in entry:
            target.mkdir(exist_ok=True)
        elif "symlink" in entry:
            target.symlink_to(workspace.expand(entry["symlink"], source, f"{at}.symlink"))
        elif "text" in entry:
            target.write_bytes(workspace.expand(entry["text"], source, f"{at}.text").encode("utf-8"))
        elif "copy" in entry:
            origin = fixtures_dir() / entry["copy"]
            if not origin.is_file():
                raise FixtureError(source, f"copy source {entry['copy']} does not exist", where=f"{at}.copy",
                                   fix="name a file relative to the fixtures directory")
            shutil.copyfile(origin, target)
        else:
            target.write_bytes(generated_bytes(entry["generate"]))


def generated_bytes(spec: Mapping[str, Any]) -> bytes:
    """``prefix`` then ``fill`` repeated up to exactly ``size`` bytes (for oversized files)."""
    prefix = spec.get("prefix", "").encode("utf-8")
    fill = spec.get("fill", "#").encode("utf-8")
    size = spec["size"]
    body = prefix + fill * ((max(size - len(prefix), 0) // len(fill)) + 1)
    return body[:size]


# --------------------------------------------------------------------------- resolver cases


@dataclass(frozen=True)
class ResolverCase:
    """One resolver scenario: a hub roster, checkouts, and the verdict per profile."""

    id: str
    source: Path
    description: str
    rules: tuple[str, ...]
    profiles: tuple[str, ...]
    hostname: str
    domain: str | None
    records: list[Any]
    ignores: frozenset[str]
    fault: Mapping[str, Any] | None
    expect: Mapping[str, Mapping[str, Any]]  # profile -> {"included": [...]} | {"error": True}
    files: list[Mapping[str, Any]] = field(default_factory=list)
    repos_source: Path | None = None
    manifest: ManifestEntry | None = None

    def materialise(self, root: Path) -> tuple[Workspace, list[Any]]:
        """Build the workspace and the hub's records with placeholders resolved."""
        workspace = new_workspace(root, self.repos_source)
        if self.manifest is not None:
            self.manifest.place(workspace, workspace.repos / "subject")
        materialise_files(self.files, workspace, self.source, "$.files")
        return workspace, expand_records(self.records, workspace, self.source)


def expand_records(records: list[Any], workspace: Workspace, source: Path) -> list[Any]:
    expanded = []
    for index, record in enumerate(records):
        if isinstance(record, dict) and isinstance(record.get("host_paths"), dict):
            record = dict(record)
            record["host_paths"] = {
                host: workspace.expand(path, source, f"$.hub.records[{index}].host_paths.{host}")
                if isinstance(path, str)
                else path
                for host, path in record["host_paths"].items()
            }
        expanded.append(record)
    return expanded


def load_resolver_case(case_dir: Path) -> ResolverCase:
    source = case_dir / "case.yml"
    data = read_yaml(source)
    check_against("resolver-case", data, source)
    check_rule_ids(data["rules"], source, "$.rules")
    rules = [contract.catalogue()[r] for r in data["rules"]]
    applicable = [p for p in contract.PROFILES if any(p in rule.profiles for rule in rules)]
    profiles = tuple(data.get("profiles", applicable))
    for profile in profiles:
        if profile not in applicable:
            raise FixtureError(source, f"profile {profile} is listed but none of the case's rules applies to it",
                               where="$.profiles", fix=f"list only {applicable}")
    expect = data["expect"]
    per_profile = {p: expect for p in profiles} if not ({"v1", "v2"} & expect.keys()) else expect
    for profile in profiles:
        if profile not in per_profile:
            raise FixtureError(source, f"no expectation for profile {profile}", where="$.expect",
                               fix=f"add expect.{profile}, or give one expectation for every profile")
    hub = data["hub"]
    return ResolverCase(
        id=case_dir.name,
        source=source,
        description=" ".join(data["description"].split()),
        rules=tuple(data["rules"]),
        profiles=profiles,
        hostname=data.get("hostname", "runner-01"),
        domain=data.get("domain"),
        records=hub["records"],
        ignores=frozenset(hub.get("ignores", ())),
        fault=hub.get("fault"),
        expect=per_profile,
        files=data.get("files", []),
        repos_source=case_dir / "repos",
    )


@lru_cache(maxsize=None)
def resolver_cases(root: Path | None = None) -> tuple[ResolverCase, ...]:
    """Every case under ``fixtures/resolver/``, sorted by id."""
    base = (root or fixtures_dir()) / "resolver"
    cases = []
    for case_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        if not (case_dir / "case.yml").is_file():
            raise FixtureError(case_dir, "a case directory without case.yml",
                               fix="add case.yml (see docs/CASES.md) or remove the directory")
        cases.append(load_resolver_case(case_dir))
    return tuple(cases)


# --------------------------------------------------------------------------- manifest corpus


@dataclass(frozen=True)
class ManifestEntry:
    """One manifest of the corpus, valid or not, with the SCH rules it exercises."""

    id: str
    source: Path
    description: str
    valid: bool
    rules: tuple[str, ...]
    hostile: bool
    file: str | None
    generate: Mapping[str, Any] | None
    template: bool
    files: list[Mapping[str, Any]]

    def place(self, workspace: Workspace, checkout: Path) -> None:
        """Make ``checkout`` with this manifest at ``.kaizen/schedule.yml`` (plus its extra files)."""
        checkout.mkdir(parents=True, exist_ok=True)
        manifest_path = checkout / ".kaizen" / "schedule.yml"
        if self.file is not None or self.generate is not None:
            manifest_path.parent.mkdir(exist_ok=True)
            manifest_path.write_bytes(self.content(workspace))
        materialise_files(self.files, workspace, self.source, f"$[{self.id}].files")

    def content(self, workspace: Workspace | None = None) -> bytes:
        if self.generate is not None:
            return generated_bytes(self.generate)
        assert self.file is not None
        raw = (self.source.parent / self.file).read_bytes()
        if self.template and workspace is not None:
            where = f"$[{self.id}].file"
            raw = workspace.expand(raw.decode("utf-8"), self.source.parent / self.file, where).encode("utf-8")
        return raw


@lru_cache(maxsize=None)
def manifest_corpus(root: Path | None = None) -> tuple[ManifestEntry, ...]:
    """The manifest corpus ``fixtures/manifests/corpus.yml``: every opt-in decider is held to it."""
    source = (root or fixtures_dir()) / "manifests" / "corpus.yml"
    data = read_yaml(source)
    check_against("manifest-corpus", data, source)
    entries, seen = [], set()
    for index, row in enumerate(data):
        where = f"$[{index}]"
        if row["id"] in seen:
            raise FixtureError(source, f"id {row['id']} is used twice", where=f"{where}.id", fix="give each entry its own id")
        seen.add(row["id"])
        check_rule_ids(row["rules"], source, f"{where}.rules")
        if "file" in row and not (source.parent / row["file"]).is_file():
            raise FixtureError(source, f"file {row['file']} does not exist", where=f"{where}.file",
                               fix="name a file relative to fixtures/manifests/")
        entries.append(
            ManifestEntry(
                id=row["id"],
                source=source,
                description=" ".join(row["description"].split()),
                valid=row["valid"],
                rules=tuple(row["rules"]),
                hostile=row.get("hostile", False),
                file=row.get("file"),
                generate=row.get("generate"),
                template=row.get("template", False),
                files=row.get("files", []),
            )
        )
    return tuple(entries)
