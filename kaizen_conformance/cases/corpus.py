"""The manifest corpus (``fixtures/manifests/corpus.yml``): every manifest the SCH rules judge.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kaizen_conformance.cases.loading import (
    WORKSPACE_PLACEHOLDERS,
    FixtureError,
    check_against,
    check_placeholders,
    check_rule_ids,
    fixtures_root,
    read_yaml,
)
from kaizen_conformance.cases.workspace import (
    Declared,
    Workspace,
    check_declared,
    generated_bytes,
    materialise_files,
    write_file,
)

# --------------------------------------------------------------------------- manifest corpus


@dataclass(frozen=True)
class ManifestEntry:
    """One manifest of the corpus, valid or not, with the SCH rules it exercises.

    ``parser_dependent``: its verdict depends on the YAML parser (contract section 7), so no
    role is held to one verdict on it; ``valid`` is then False (it is not portably valid).
    """

    id: str
    source: Path
    description: str
    valid: bool
    parser_dependent: bool
    rules: tuple[str, ...]
    hostile: bool
    file: str | None
    generate: Mapping[str, Any] | None
    template: bool
    files: list[Mapping[str, Any]]
    # of a parser-dependent entry: texts naming the construct whose reading differs (VAL-004)
    construct: tuple[str, ...] = ()

    def place(self, workspace: Workspace, checkout: Path) -> None:
        """Make ``checkout`` with this manifest at ``.kaizen/schedule.yml`` (plus its extra files)."""
        checkout.mkdir(parents=True, exist_ok=True)
        if self.file is not None or self.generate is not None:
            where = f"$[{self.id}].file"
            manifest = checkout / ".kaizen" / "schedule.yml"
            write_file(workspace, manifest, self.content(workspace), self.source, where)
        materialise_files(self.files, workspace, self.source, f"$[{self.id}].files")

    def content(self, workspace: Workspace | None = None) -> bytes:
        if self.generate is not None:
            return generated_bytes(self.generate)
        assert self.file is not None
        raw = (self.source.parent / self.file).read_bytes()
        if self.template and workspace is not None:
            where = f"$[{self.id}].file"
            raw = workspace.expand(
                raw.decode("utf-8"), self.source.parent / self.file, where
            ).encode("utf-8")
        return raw


def manifest_corpus(root: Path | None = None) -> tuple[ManifestEntry, ...]:
    """The manifest corpus ``<fixtures>/manifests/corpus.yml``: every opt-in decider is held to it."""
    return _manifest_corpus(root or fixtures_root())


@cache
def _manifest_corpus(root: Path) -> tuple[ManifestEntry, ...]:
    source = root / "manifests" / "corpus.yml"
    data = read_yaml(source)
    check_against("manifest-corpus", data, source)
    entries, seen = [], set()
    for index, row in enumerate(data):
        where = f"$[{index}]"
        if row["id"] in seen:
            raise FixtureError(
                source,
                f"id {row['id']} is used twice",
                where=f"{where}.id",
                fix="give each entry its own id",
            )
        seen.add(row["id"])
        check_rule_ids(row["rules"], source, f"{where}.rules")
        # inside the corpus's own directory, seen as it really is (a fixtures tree may link to
        # the kit's manifests/ rather than copy it)
        if "file" in row and not (source.parent / row["file"]).resolve().is_relative_to(
            source.parent.resolve()
        ):
            raise FixtureError(
                source,
                f"file {row['file']} lies outside the corpus's directory {source.parent}",
                where=f"{where}.file",
                fix="name a file relative to fixtures/manifests/, inside that directory",
            )
        if "file" in row and not (source.parent / row["file"]).is_file():
            raise FixtureError(
                source,
                f"file {row['file']} does not exist",
                where=f"{where}.file",
                fix="name a file relative to fixtures/manifests/",
            )
        if row.get("template"):
            if "file" not in row:
                raise FixtureError(
                    source,
                    "template: true without a file",
                    where=f"{where}.template",
                    fix="remove template, or name the manifest file whose text has placeholders",
                )
            template = source.parent / row["file"]
            try:
                text = template.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise FixtureError(
                    template,
                    "a template manifest must be UTF-8 text",
                    where=f"{where}.file",
                    fix="remove template: true, or store the file as UTF-8",
                ) from None
            check_placeholders(text, WORKSPACE_PLACEHOLDERS, template, f"{where}.file")
        manifest_bytes = (
            int(row["generate"]["size"])
            if "generate" in row
            else (source.parent / row["file"]).stat().st_size
            if "file" in row
            else 0
        )
        check_declared(source, [Declared(f"{where}.files", row.get("files", []))], manifest_bytes)
        entries.append(
            ManifestEntry(
                id=row["id"],
                source=source,
                description=" ".join(row["description"].split()),
                valid=row.get("valid", False),
                parser_dependent=row.get("parser_dependent", False),
                rules=tuple(row["rules"]),
                hostile=row.get("hostile", False),
                file=row.get("file"),
                generate=row.get("generate"),
                template=row.get("template", False),
                files=row.get("files", []),
                construct=tuple(row.get("construct", ())),
            )
        )
    return tuple(entries)


def refuse_corpus_ids(own: Mapping[str, Any], entry: ManifestEntry, role: str) -> None:
    """A role that runs every corpus entry as a case of its own (list, init): a case directory
    may not take a corpus entry's id, or two cases would answer to one test id."""
    if entry.id in own:
        raise FixtureError(
            own[entry.id].source,
            f"case id {entry.id} is also used by the manifest corpus {entry.source}",
            fix=f"rename the {role} case's directory: every corpus entry is {role_article(role)} case already",
        )


def role_article(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"
