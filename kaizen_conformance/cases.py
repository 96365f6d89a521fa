"""Golden fixture cases: loading, checking and materialising them.

A case is data a contributor writes without Python: ``fixtures/<role>/<case-id>/case.yml``
plus an optional ``repos/`` tree of checkouts. Anything git or a wheel cannot carry
(symlinks, multi-megabyte or generated files) is declared under ``files:`` and created when
the case is materialised — always into a fresh directory under pytest's tmp_path, so the
fixture sources are never touched.
"""

from __future__ import annotations

import difflib
import json
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
# Placeholders every materialised path, link target, text and host path may use (Workspace.placeholders).
WORKSPACE_PLACEHOLDERS = ("root", "repos", "outside", "marker", "repos_rel")
INDEX = "{i}"  # the record's index in a generated group (hub.generate)
FIXTURES_ENV = "KAIZEN_CONFORMANCE_FIXTURES"


def fixtures_root() -> Path:
    """The fixture directory in use: ``$KAIZEN_CONFORMANCE_FIXTURES`` when set, else the kit's own.

    The variable lets a contributor (and the kit's own tests) run the suite or the fixture
    lint on another tree laid out like ``fixtures/``; being an environment variable, it
    reaches pytest-xdist workers and the ``check-fixtures`` command alike.
    """
    override = os.environ.get(FIXTURES_ENV)
    return Path(override).resolve() if override else fixtures_dir()


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


# ``check-fixtures`` sets this: it lints the shipped fixtures too.
VALIDATE_SHIPPED = False


@lru_cache(maxsize=1)
def _installed_fixtures() -> Path | None:
    from kaizen_conformance._paths import PACKAGE_DIR

    installed = PACKAGE_DIR / "fixtures"
    return installed.resolve() if installed.is_dir() else None


def is_shipped(path: Path) -> bool:
    """A fixture file of an installed wheel: immutable, and linted by the kit's CI before release."""
    root = _installed_fixtures()
    return root is not None and Path(path).resolve().is_relative_to(root)


def check_against(schema_name: str, data: Any, path: Path) -> None:
    """Raise the clearest schema violation of ``data`` as a FixtureError naming the JSON path and the fix.

    Files shipped inside an installed wheel are not re-validated on every run (that costs the
    jsonschema import and about a millisecond a file); a source checkout, a fixtures override
    and ``check-fixtures`` always validate.
    """
    if not VALIDATE_SHIPPED and is_shipped(path):
        return
    from jsonschema.exceptions import best_match

    error = best_match(contract.validator(schema_name).iter_errors(data))
    if error is not None:
        problem, fix = explain_schema_error(error)
        raise FixtureError(
            path,
            problem,
            where=error.json_path,
            fix=f"{fix} (schema: kaizen_conformance/contract/schemas/{schema_name}.schema.json)",
        )


JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "an integer",
              float: "a number", type(None): "null"}
SCHEMA_TYPES = {"object": "an object", "array": "an array", "string": "a string", "boolean": "a boolean",
                "integer": "an integer", "number": "a number", "null": "null"}


def json_type(value: Any) -> str:
    return JSON_TYPES.get(type(value), type(value).__name__)


def explain_schema_error(error: Any) -> tuple[str, str]:
    """What is wrong, and what to do, for the schema keywords a fixture author trips on."""
    kind, schema, instance = error.validator, error.schema, error.instance
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(schema.get("properties", {}))
        unknown = [k for k in instance if k not in allowed]
        key = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return (f"unknown key {key!r}",
                f"{hint}remove or rename it; the keys allowed here are: {', '.join(allowed)}")
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"the required key {missing!r} is missing", f"add {missing}"
    if kind == "type":
        wanted = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        names = " or ".join(SCHEMA_TYPES.get(str(t), str(t)) for t in wanted)
        return f"{instance!r:.80} is {json_type(instance)}, not {names}", f"make it {names}"
    if kind == "enum":
        values = ", ".join(map(repr, schema["enum"]))
        return f"{instance!r:.80} is not one of the allowed values", f"use one of {values}"
    if kind == "const":
        return f"{instance!r:.80} is not allowed here", f"the only value allowed here is {schema['const']!r}"
    if kind == "pattern":
        if str(schema["pattern"]).startswith("^(SCH|"):
            return (f"{instance!r} is not a rule id",
                    "write a rule id such as RES-002 (`kaizen-conformance rules` lists them)")
        return f"{instance!r:.80} does not match {schema['pattern']}", f"write a value matching {schema['pattern']}"
    if kind in ("minItems", "minLength", "minProperties"):
        return f"{instance!r:.80} is empty", "give at least one entry, or remove the key"
    if kind == "uniqueItems":
        return f"{instance!r:.80} lists a value twice", "list each value once"
    if kind in ("minimum", "maximum"):
        return error.message, f"give a value within {schema.get('minimum', '-inf')}..{schema.get('maximum', 'inf')}"
    return error.message, "correct the value"


def check_rule_ids(ids: Iterable[str], path: Path, where: str) -> None:
    known = contract.catalogue()
    for index, rule_id in enumerate(ids):
        if rule_id not in known:
            close = difflib.get_close_matches(rule_id, list(known), n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(close)}? " if close else ""
            raise FixtureError(
                path,
                f"rule {rule_id} is not in the catalogue",
                where=f"{where}[{index}]",
                fix=f"{hint}use an id of the catalogue (`kaizen-conformance rules` lists them; "
                "kaizen_conformance/contract/rules/*.yml defines them)",
            )


def check_placeholders(value: Any, allowed: Iterable[str], path: Path, where: str) -> None:
    """Every ``{name}`` in ``value`` (a string) must be one the kit substitutes there."""
    if not isinstance(value, str):
        return
    names = set(allowed)
    for match in PLACEHOLDER.finditer(value):
        if match.group(1) not in names:
            raise FixtureError(
                path,
                f"placeholder {match.group(0)} does not resolve",
                where=where,
                fix=f"use one of {', '.join('{' + n + '}' for n in sorted(names))}",
            )


def check_files_entries(entries: list[Mapping[str, Any]], path: Path, where: str, allowed: Iterable[str]) -> None:
    """Lint ``files:`` entries at load time: placeholders resolve and copy sources exist."""
    names = tuple(allowed)
    for index, entry in enumerate(entries):
        at = f"{where}[{index}]"
        for key in ("path", "symlink", "text"):
            check_placeholders(entry.get(key), names, path, f"{at}.{key}")
        if "copy" in entry and not (fixtures_root() / entry["copy"]).is_file():
            raise FixtureError(path, f"copy source {entry['copy']} does not exist", where=f"{at}.copy",
                               fix=f"name a file relative to the fixtures directory {fixtures_root()}")


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


def materialise_files(
    entries: list[Mapping[str, Any]],
    workspace: Workspace,
    source: Path,
    where: str,
    copies: dict[str, bytes] | None = None,
) -> None:
    """Create what a case declares under ``files:``, in order.

    ``copies`` caches the bytes of copy sources, for callers that materialise the same
    entries thousands of times (generated rosters).
    """
    for index, entry in enumerate(entries):
        at = f"{where}[{index}]"
        target = workspace.root / workspace.expand(entry["path"], source, f"{at}.path")
        if not target.parent.is_dir():
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
            if copies is not None and entry["copy"] in copies:
                target.write_bytes(copies[entry["copy"]])
                continue
            origin = fixtures_root() / entry["copy"]
            if not origin.is_file():
                raise FixtureError(source, f"copy source {entry['copy']} does not exist", where=f"{at}.copy",
                                   fix="name a file relative to the fixtures directory")
            if copies is not None:
                copies[entry["copy"]] = origin.read_bytes()
                target.write_bytes(copies[entry["copy"]])
            else:
                shutil.copyfile(origin, target)
        else:
            target.write_bytes(generated_bytes(entry["generate"]))


def generated_bytes(spec: Mapping[str, Any]) -> bytes:
    """``prefix`` then ``fill`` repeated up to exactly ``size`` bytes (for oversized files)."""
    prefix = str(spec.get("prefix", "")).encode("utf-8")
    fill = str(spec.get("fill", "#")).encode("utf-8")
    size = int(spec["size"])
    body = prefix + fill * ((max(size - len(prefix), 0) // len(fill)) + 1)
    return body[:size]


# --------------------------------------------------------------------------- resolver cases


@dataclass(frozen=True)
class GeneratedGroup:
    """``count`` records made from one template (``hub.generate``), and the files each one needs.

    A 5,000-repo roster is three lines of case.yml instead of 5,000 records and directories
    in git. Every record of a group has the same fate, so expectations name groups.
    """

    name: str
    count: int
    record: Mapping[str, Any]
    files: list[Mapping[str, Any]]

    @property
    def width(self) -> int:
        return len(str(self.count - 1))

    def index(self, i: int) -> str:
        return str(i).zfill(self.width)

    def records(self) -> list[Any]:
        return [fill_index(self.record, self.index(i)) for i in range(self.count)]

    def materialise(self, workspace: Workspace, source: Path, where: str) -> None:
        """Create the files of every record; workspace placeholders are expanded once, {i} per record."""
        if not self.files:
            return
        known = {**workspace.placeholders(), "i": INDEX}
        templates = [
            {key: PLACEHOLDER.sub(lambda m: known[m.group(1)], value) if key in ("path", "symlink", "text") else value
             for key, value in entry.items()}
            for entry in self.files
        ]
        copies: dict[str, bytes] = {}
        made: set[Path] = set()
        for i in range(self.count):
            index = self.index(i)
            for template in templates:
                entry = {k: v.replace(INDEX, index) if isinstance(v, str) else v for k, v in template.items()}
                target = Path(entry["path"]) if os.path.isabs(entry["path"]) else workspace.root / entry["path"]
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                if "copy" in entry:
                    if entry["copy"] not in copies:
                        copies[entry["copy"]] = (fixtures_root() / entry["copy"]).read_bytes()
                    target.write_bytes(copies[entry["copy"]])
                elif "mkdir" in entry:
                    target.mkdir(exist_ok=True)
                    made.add(target)
                else:
                    materialise_files([{**entry, "path": str(target.relative_to(workspace.root))}],
                                      workspace, source, where, copies)


def fill_index(value: Any, index: str) -> Any:
    """``value`` with ``{i}`` replaced by ``index`` in every string (keys included)."""
    if isinstance(value, str):
        return value.replace(INDEX, index)
    if isinstance(value, list):
        return [fill_index(v, index) for v in value]
    if isinstance(value, dict):
        return {fill_index(k, index): fill_index(v, index) for k, v in value.items()}
    return value


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
    records: list[Any]  # explicit records, then every generated one (placeholders still unexpanded)
    ignores: frozenset[str]
    fault: Mapping[str, Any] | None
    expect: Mapping[str, Mapping[str, Any]]  # profile -> {"included": [...]} | {"error": True}
    files: list[Mapping[str, Any]] = field(default_factory=list)
    repos_source: Path | None = None
    manifest: ManifestEntry | None = None
    generated: tuple[GeneratedGroup, ...] = ()

    def materialise(self, root: Path) -> tuple[Workspace, list[Any]]:
        """Build the workspace and the hub's records with placeholders resolved."""
        workspace = new_workspace(root, self.repos_source)
        if self.manifest is not None:
            self.manifest.place(workspace, workspace.repos / "subject")
        for number, group in enumerate(self.generated):
            group.materialise(workspace, self.source, f"$.hub.generate[{number}].files")
        materialise_files(self.files, workspace, self.source, "$.files")
        return workspace, expand_records(self.records, workspace, self.source)


def expand_records(records: list[Any], workspace: Workspace, source: Path) -> list[Any]:
    """The records with the workspace placeholders of their host paths substituted (checked at load)."""
    known = workspace.placeholders()

    def substitute(match: re.Match[str]) -> str:
        return known.get(match.group(1), match.group(0))

    expanded = []
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("host_paths"), dict):
            record = dict(record)
            record["host_paths"] = {
                host: PLACEHOLDER.sub(substitute, path) if isinstance(path, str) else path
                for host, path in record["host_paths"].items()
            }
        expanded.append(record)
    return expanded


HUB_FAILS = "a case whose hub fails (hub.fault) expects the resolver to fail loudly"
REDIRECTS = (301, 302, 303, 307, 308)


def check_fault(fault: Mapping[str, Any] | None, path: Path) -> None:
    """What the schema cannot say about a fault: which keys go with which kind."""
    if fault is None:
        return
    kind, where = fault["kind"], "$.hub.fault"
    keys = {
        "status": ("status", "redirect-loop"),
        "body": ("status", "not-json", "not-array"),
        "after_records": ("cut-off",),
    }
    for key, kinds in keys.items():
        if key in fault and kind not in kinds:
            raise FixtureError(path, f"{key} means nothing for a fault of kind {kind}", where=f"{where}.{key}",
                               fix=f"remove {key}; it applies to kind {' or '.join(kinds)}")
    status = fault.get("status")
    if kind == "status" and status is not None and 200 <= status < 300:
        raise FixtureError(path, f"status {status} is a success, not a failing hub", where=f"{where}.status",
                           fix="give a non-2xx status, or use kind not-json / not-array for a bad 200 answer")
    if kind == "redirect-loop" and status is not None and status not in REDIRECTS:
        raise FixtureError(path, f"status {status} does not redirect", where=f"{where}.status",
                           fix=f"use one of {', '.join(map(str, REDIRECTS))}")
    if kind == "not-array" and "body" in fault:
        try:
            parsed = json.loads(fault["body"])
        except ValueError as exc:
            raise FixtureError(path, f"body is not JSON ({exc})", where=f"{where}.body",
                               fix="give JSON text that is not an array (null, an object, a number), "
                               "or use kind not-json") from None
        if isinstance(parsed, list):
            raise FixtureError(path, "body is a JSON array, which is what a working hub answers",
                               where=f"{where}.body", fix="give JSON that is not an array, such as null or {}")


def load_groups(hub: Mapping[str, Any], source: Path) -> tuple[GeneratedGroup, ...]:
    groups, names = [], set()
    for number, spec in enumerate(hub.get("generate", [])):
        where = f"$.hub.generate[{number}]"
        if spec["group"] in names:
            raise FixtureError(source, f"group {spec['group']} is declared twice", where=f"{where}.group",
                               fix="give each generated group its own name")
        names.add(spec["group"])
        check_template(spec["record"], source, f"{where}.record")
        check_files_entries(spec.get("files", []), source, f"{where}.files", WORKSPACE_PLACEHOLDERS + ("i",))
        groups.append(GeneratedGroup(spec["group"], spec["count"], spec["record"], spec.get("files", [])))
    return tuple(groups)


def check_template(record: Mapping[str, Any], source: Path, where: str) -> None:
    """A generated record's strings may use {i}; its host paths also the workspace placeholders."""

    def walk(value: Any, at: str, allowed: tuple[str, ...]) -> None:
        if isinstance(value, str):
            check_placeholders(value, allowed, source, at)
        elif isinstance(value, list):
            for n, item in enumerate(value):
                walk(item, f"{at}[{n}]", allowed)
        elif isinstance(value, dict):
            for key, item in value.items():
                check_placeholders(key, ("i",), source, f"{at}.{key}")
                walk(item, f"{at}.{key}", allowed)

    for key, item in record.items():
        check_placeholders(key, ("i",), source, f"{where}.{key}")
        walk(item, f"{where}.{key}", WORKSPACE_PLACEHOLDERS + ("i",) if key == "host_paths" else ("i",))


def expected_outcomes(data: Mapping[str, Any], profiles: tuple[str, ...], groups: tuple[GeneratedGroup, ...],
                      source: Path) -> dict[str, dict[str, Any]]:
    """Per profile: ``{"error": True}`` or ``{"included": [...]}`` with every named group's slugs added."""
    expect = data["expect"]
    per_profile = {p: expect for p in profiles} if not ({"v1", "v2"} & expect.keys()) else expect
    by_name = {group.name: group for group in groups}
    outcomes: dict[str, dict[str, Any]] = {}
    for profile in profiles:
        where = "$.expect" + (f".{profile}" if per_profile is expect else "")
        if profile not in per_profile:
            raise FixtureError(source, f"no expectation for profile {profile}", where="$.expect",
                               fix=f"add expect.{profile}, or give one expectation for every profile")
        outcome = per_profile[profile]
        if outcome.get("error"):
            if {"included", "groups"} & outcome.keys():
                raise FixtureError(source, "expects both an error and included repos", where=where,
                                   fix="keep error: true alone (the resolver fails loudly), or drop it")
            outcomes[profile] = {"error": True}
            continue
        if data["hub"].get("fault"):
            raise FixtureError(source, f"{HUB_FAILS}, but the expectation lists included repos", where=where,
                               fix="expect error: true, or remove hub.fault")
        included = list(outcome.get("included", []))
        for name in outcome.get("groups", []):
            if name not in by_name:
                raise FixtureError(source, f"group {name} is not generated by this case", where=f"{where}.groups",
                                   fix=f"name one of hub.generate's groups: {', '.join(sorted(by_name)) or 'none'}")
            slugs = [r.get("slug") if isinstance(r, dict) else None for r in by_name[name].records()]
            if not all(isinstance(slug, str) for slug in slugs):
                raise FixtureError(source, f"group {name} is expected included but its records have no string slug",
                                   where=f"{where}.groups",
                                   fix="give the group's record template a slug such as fleet/repo-{i}")
            included.extend(slugs)
        outcomes[profile] = {"included": included}
    return outcomes


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
    hub = data["hub"]
    check_fault(hub.get("fault"), source)
    for index, record in enumerate(hub["records"]):
        if isinstance(record, dict) and isinstance(record.get("host_paths"), dict):
            for host, host_path in record["host_paths"].items():
                at = f"$.hub.records[{index}].host_paths.{host}"
                check_placeholders(host_path, WORKSPACE_PLACEHOLDERS, source, at)
    check_files_entries(data.get("files", []), source, "$.files", WORKSPACE_PLACEHOLDERS)
    groups = load_groups(hub, source)
    records = list(hub["records"]) + [record for group in groups for record in group.records()]
    return ResolverCase(
        id=case_dir.name,
        source=source,
        description=" ".join(data["description"].split()),
        rules=tuple(data["rules"]),
        profiles=profiles,
        hostname=data.get("hostname", "runner-01"),
        domain=data.get("domain"),
        records=records,
        ignores=frozenset(hub.get("ignores", ())),
        fault=hub.get("fault"),
        expect=expected_outcomes(data, profiles, groups, source),
        files=data.get("files", []),
        repos_source=case_dir / "repos",
        generated=groups,
    )


def resolver_cases(root: Path | None = None) -> tuple[ResolverCase, ...]:
    """Every case under ``<fixtures>/resolver/``, sorted by id."""
    return _resolver_cases(root or fixtures_root())


@lru_cache(maxsize=None)
def _resolver_cases(root: Path) -> tuple[ResolverCase, ...]:
    base = root / "resolver"
    if not base.is_dir():
        raise FixtureError(base, "the resolver cases directory does not exist",
                           fix=f"create it, or unset {FIXTURES_ENV} to use the kit's own fixtures")
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


def manifest_corpus(root: Path | None = None) -> tuple[ManifestEntry, ...]:
    """The manifest corpus ``<fixtures>/manifests/corpus.yml``: every opt-in decider is held to it."""
    return _manifest_corpus(root or fixtures_root())


@lru_cache(maxsize=None)
def _manifest_corpus(root: Path) -> tuple[ManifestEntry, ...]:
    source = root / "manifests" / "corpus.yml"
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
        if row.get("template"):
            if "file" not in row:
                raise FixtureError(source, "template: true without a file", where=f"{where}.template",
                                   fix="remove template, or name the manifest file whose text has placeholders")
            template = source.parent / row["file"]
            try:
                text = template.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise FixtureError(template, "a template manifest must be UTF-8 text", where=f"{where}.file",
                                   fix="remove template: true, or store the file as UTF-8") from None
            check_placeholders(text, WORKSPACE_PLACEHOLDERS, template, f"{where}.file")
        check_files_entries(row.get("files", []), source, f"{where}.files", WORKSPACE_PLACEHOLDERS)
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
