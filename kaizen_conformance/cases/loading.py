"""Reading and checking fixture files: the errors that name a file, the schema checks, the placeholders.

A case is data a contributor writes without Python: ``fixtures/<role>/<case-id>/case.yml``
plus an optional ``repos/`` tree of checkouts. Anything git or a wheel cannot carry
(symlinks, multi-megabyte or generated files) is declared under ``files:`` and created when
the case is materialised — always into a fresh directory under pytest's tmp_path, so the
fixture sources are never touched.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kaizen_conformance import contract
from kaizen_conformance.cases.locations import fixtures_dir
from kaizen_conformance.contract.json_data import json_type
from kaizen_conformance.core import options

# libyaml's safe loader where PyYAML has it: reading every case.yml is most of collection time.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Placeholders every materialised path, link target, text and host path may use (Workspace.placeholders).
WORKSPACE_PLACEHOLDERS = ("root", "repos", "outside", "marker", "repos_rel")
INDEX = "{i}"  # the record's index in a generated group (hub.generate)
FIXTURES_ENV = options.FIXTURES_ENV


def fixtures_root() -> Path:
    """The fixture directory in use: ``$KAIZEN_CONFORMANCE_FIXTURES`` when set, else the kit's own.

    The variable lets a contributor (and the kit's own tests) run the suite or the fixture
    lint on another tree laid out like ``fixtures/``; being an environment variable, it
    reaches pytest-xdist workers and the ``check-fixtures`` command alike.
    """
    override = os.environ.get(FIXTURES_ENV)
    return Path(override).resolve() if override else fixtures_dir()


# The roles whose cases a user may add with --kaizen-extra-cases (case directories of their own;
# a prepare case needs goldens the kit writes, and the manifest corpus is one list, not cases).
EXTRA_ROLES = ("resolver",)
EXTRA_GUIDE = "docs/CASES.md, 'Cases of your own'"


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
        raise FixtureError(
            path, f"cannot be read: {exc}", fix="make it a readable UTF-8 file"
        ) from None
    except yaml.YAMLError as exc:
        raise FixtureError(
            path, f"is not valid YAML: {exc}", fix="correct the YAML syntax"
        ) from None


def case_dirs(base: Path) -> list[Path]:
    """The case directories under ``base`` (none when it does not exist), in order of id."""
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def case_file(case_dir: Path, guide: str) -> Path:
    """``case_dir/case.yml``, or a FixtureError saying to add it (``guide``: where the format is told)."""
    source = case_dir / "case.yml"
    if not source.is_file():
        raise FixtureError(
            case_dir,
            "a case directory without case.yml",
            fix=f"add case.yml ({guide}) or remove the directory",
        )
    return source


# ``check-fixtures`` sets this: it lints the shipped fixtures too.
VALIDATE_SHIPPED = False


@lru_cache(maxsize=1)
def _installed_fixtures() -> Path | None:
    from kaizen_conformance.cases.locations import PACKAGE_DIR

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


SCHEMA_TYPES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "null": "null",
}


def schema_type(value: Any) -> str:
    """What a schema calls ``value``'s type, with its article ("an integer", "a string")."""
    kind = "integer" if type(value) is int else json_type(value)
    return SCHEMA_TYPES.get(kind, kind)


def explain_schema_error(error: Any) -> tuple[str, str]:
    """What is wrong, and what to do, for the schema keywords a fixture author trips on."""
    kind, schema, instance = error.validator, error.schema, error.instance
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(schema.get("properties", {}))
        unknown = [k for k in instance if k not in allowed]
        key = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return (
            f"unknown key {key!r}",
            f"{hint}remove or rename it; the keys allowed here are: {', '.join(allowed)}",
        )
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"the required key {missing!r} is missing", f"add {missing}"
    if kind == "type":
        wanted = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        names = " or ".join(SCHEMA_TYPES.get(str(t), str(t)) for t in wanted)
        return f"{instance!r:.80} is {schema_type(instance)}, not {names}", f"make it {names}"
    if kind == "enum":
        values = ", ".join(map(repr, schema["enum"]))
        return f"{instance!r:.80} is not one of the allowed values", f"use one of {values}"
    if kind == "const":
        return (
            f"{instance!r:.80} is not allowed here",
            f"the only value allowed here is {schema['const']!r}",
        )
    if kind == "pattern":
        if str(schema["pattern"]).startswith("^(SCH|"):
            return (
                f"{instance!r} is not a rule id",
                "write a rule id such as RES-002 (`kaizen-conformance rules` lists them)",
            )
        return (
            f"{instance!r:.80} does not match {schema['pattern']}",
            # a schema may say the fix in words where its pattern is hard to read
            schema.get("x-fix", f"write a value matching {schema['pattern']}"),
        )
    if kind in ("minItems", "minLength", "minProperties"):
        return f"{instance!r:.80} is empty", "give at least one entry, or remove the key"
    if kind == "uniqueItems":
        return f"{instance!r:.80} lists a value twice", "list each value once"
    if kind in ("minimum", "maximum"):
        return (
            error.message,
            f"give a value within {schema.get('minimum', '-inf')}..{schema.get('maximum', 'inf')}",
        )
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


def check_files_entries(
    entries: list[Mapping[str, Any]], path: Path, where: str, allowed: Iterable[str]
) -> None:
    """Lint ``files:`` entries at load time: placeholders resolve and copy sources are allowed."""
    names = tuple(allowed)
    for index, entry in enumerate(entries):
        at = f"{where}[{index}]"
        for key in ("path", "symlink", "text"):
            check_placeholders(entry.get(key), names, path, f"{at}.{key}")
        if "copy" in entry:
            copy_origin(entry["copy"], path, f"{at}.copy")


def copy_origin(name: str, source: Path, where: str) -> Path:
    """The real file a ``copy:`` entry of ``source`` (a case.yml or the corpus) reads.

    ``name`` is relative to the fixtures directory in use. Its real path, every link
    resolved, must lie in that directory, the kit's own fixtures (which a fixtures tree may
    link to rather than copy) or the case's own directory: a contributed case must not pull a
    file of the machine (``/etc/...``, ``../../..``, a link out) into the workspace, where the
    implementation under test reads it and reports may show it.
    """
    root = fixtures_root().resolve()
    allowed = (root, fixtures_dir().resolve(), source.parent.resolve())
    origin = (root / name).resolve()
    if not any(origin.is_relative_to(place) for place in allowed):
        raise FixtureError(
            source,
            f"copy source {name} is {origin}, outside the fixtures directory and the case's own directory",
            where=where,
            fix=f"copy a file of the fixtures directory {root} (a path relative to it, "
            "such as manifests/valid/minimal.yml) or of the case's own directory",
        )
    if not origin.is_file():
        raise FixtureError(
            source,
            f"copy source {name} does not exist",
            where=where,
            fix=f"name a file relative to the fixtures directory {root}",
        )
    return origin


def check_fixture_tree(root: Path) -> None:
    """A fixtures tree named by ``$KAIZEN_CONFORMANCE_FIXTURES`` exists and holds the manifest corpus.

    Checked once when the session starts, so that a mistyped path is one error that says the
    fix, not a file-not-found from the first loader that reads the tree. A missing role
    directory is reported by that role's loader, only when the role is configured.
    """
    unset = f"or unset {FIXTURES_ENV} to use the kit's own fixtures"
    if not root.is_dir():
        raise FixtureError(
            root,
            f"{FIXTURES_ENV} names a directory that does not exist",
            fix=f"point it at a tree laid out like the kit's fixtures/ (manifests/, resolver/, ...), {unset}",
        )
    corpus = root / "manifests" / "corpus.yml"
    if not corpus.is_file():
        raise FixtureError(
            corpus,
            f"is missing: {FIXTURES_ENV} replaces the kit's whole fixtures tree, manifest corpus included",
            fix="copy the kit's fixtures/manifests/ there; to add cases to the kit's own, "
            f"use --kaizen-extra-cases=DIR instead ({unset})",
        )


def role_base(root: Path, role: str, guide: str) -> Path:
    """``<root>/<role>/``, or a FixtureError saying how to make it (a tree missing a role's cases
    would otherwise check that role against nothing)."""
    base = root / role
    if not base.is_dir():
        unset = (
            f", or unset {FIXTURES_ENV} to use the kit's own fixtures"
            if os.environ.get(FIXTURES_ENV)
            else ""
        )
        raise FixtureError(
            base,
            f"the {role} cases directory does not exist",
            fix=f"create it ({guide}){unset}",
        )
    return base


def check_extra_tree(root: Path, named: str) -> dict[str, list[str]]:
    """A directory of extra cases (``--kaizen-extra-cases``): per role it may add to, a subdirectory.

    ``named`` says how the user gave it (``--kaizen-extra-cases=cases``). Returns the case ids
    (directory names) per role. The commonest slips get their own fix: a case directory or a
    role directory given instead of the directory that holds the role directories.
    """
    layout = f"DIR/{EXTRA_ROLES[0]}/NAME/case.yml (see {EXTRA_GUIDE})"
    if not root.is_dir():
        raise FixtureError(
            root,
            f"{named}: no such directory",
            fix=f"create it with `kaizen-conformance new-case {EXTRA_ROLES[0]} NAME --into {root}`, "
            "or correct the path",
        )
    if (root / "case.yml").is_file():
        raise FixtureError(
            root,
            f"{named}: this is one case's directory, not a directory of cases",
            fix=f"give the directory two levels up, laid out as {layout}",
        )
    if root.name in EXTRA_ROLES and any((d / "case.yml").is_file() for d in case_dirs(root)):
        raise FixtureError(
            root,
            f"{named}: this is the {root.name} directory itself",
            fix=f"give its parent directory {root.parent}, laid out as {layout}",
        )
    counts: dict[str, list[str]] = {}
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        if entry.name not in EXTRA_ROLES:
            close = difflib.get_close_matches(entry.name, EXTRA_ROLES, n=1)
            hint = f"did you mean {close[0]}/? " if close else ""
            raise FixtureError(
                entry,
                f"{named}: {entry.name}/ is not a role whose cases can be added",
                fix=f"{hint}extra cases go under {', '.join(r + '/' for r in EXTRA_ROLES)} "
                f"({EXTRA_GUIDE}); move or remove it",
            )
        counts[entry.name] = [case.name for case in case_dirs(entry)]
    if not any(counts.values()):
        raise FixtureError(
            root,
            f"{named}: holds no cases",
            fix=f"add one with `kaizen-conformance new-case {EXTRA_ROLES[0]} NAME --into {root}`, "
            f"laid out as {layout}",
        )
    return counts
