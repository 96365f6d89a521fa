"""Reference reading of ``.kaizen/schedule.yml`` (contract section 1, rules SCH-001..006).

Written to be read: each step says which rule it implements. It shares nothing with the
kit's checking code but the shipped manifest schema.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 64 * 1024  # SCH-001
MAX_EXPANDED_NODES = 100_000  # SCH-004: a bound on the expanded size, not on alias use
MANIFEST = Path(".kaizen") / "schedule.yml"


class ManifestInvalid(ValueError):
    """The checkout has a manifest, and it is not valid."""


class ManifestMissing(ManifestInvalid):
    """The checkout has no manifest that counts (absent, or a symlink leaving the checkout)."""


def _schema_validator() -> Any:
    from jsonschema import Draft202012Validator

    text = (
        resources.files("kaizen_conformance")
        .joinpath("contract/schemas/manifest.schema.json")
        .read_text("utf-8")
    )
    return Draft202012Validator(json.loads(text))


_VALIDATOR = _schema_validator()


# libyaml where PyYAML has it: it is fast, and it bounds nesting depth on its own.
_SAFE_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictSafeLoader(_SAFE_BASE):  # type: ignore[misc, valid-type]
    """A safe loader (SCH-003: no language objects) that refuses duplicate keys (SCH-005)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "unhashable mapping key", key_node.start_mark
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _expanded_size(root: yaml.Node) -> int:
    """Nodes the document would have with every alias expanded, counted without expanding (SCH-004).

    Aliases share node objects, so sizes are memoised per node; a node that contains itself
    would expand forever.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        if children_done:
            in_progress.discard(key)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), MAX_EXPANDED_NODES + 1)
            continue
        if key in in_progress:
            return MAX_EXPANDED_NODES + 1  # recursive alias
        in_progress.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in in_progress:
                return MAX_EXPANDED_NODES + 1
            stack.append((child, False))
    return sizes[id(root)]


def parse_manifest(data: bytes) -> dict[str, Any]:
    """Decide validity from the file's bytes; return the mapping or raise ManifestInvalid."""
    if len(data) > MAX_BYTES:
        raise ManifestInvalid(f"larger than {MAX_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestInvalid(f"not valid UTF-8: {exc}") from None
    loader = _StrictSafeLoader(text)
    try:
        node = loader.get_single_node()  # raises on a second document
        if node is None:
            raise ManifestInvalid("empty: no YAML document")
        if _expanded_size(node) > MAX_EXPANDED_NODES:
            raise ManifestInvalid(f"aliases expand to more than {MAX_EXPANDED_NODES} nodes")
        document = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ManifestInvalid(f"not accepted by a safe YAML loader: {exc}") from None
    except RecursionError:
        raise ManifestInvalid("nested too deeply") from None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        # a standard tag on a value it cannot hold (!!bool maybe, !!int abc, !!timestamp x)
        raise ManifestInvalid(
            f"a tagged value cannot be read: {type(exc).__name__}: {exc}"
        ) from None
    finally:
        loader.dispose()
    if not isinstance(document, dict):
        raise ManifestInvalid(f"the document is a {type(document).__name__}, not a mapping")
    try:
        error = next(iter(sorted(_VALIDATOR.iter_errors(document), key=lambda e: e.path)), None)
    except RecursionError:
        raise ManifestInvalid("nested too deeply") from None
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise ManifestInvalid(f"{where}: {error.message}")
    names = [agent["name"] for agent in document["agents"]]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ManifestInvalid(f"agent names are not unique: {', '.join(duplicates)}")  # SCH-002
    return document


def manifest_path(checkout: Path) -> Path:
    """The manifest that counts for ``checkout`` (SCH-006), or ManifestMissing."""
    candidate = checkout / MANIFEST
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise ManifestMissing(f"{MANIFEST} not found (or a dangling link)") from None
    if not real.is_relative_to(checkout.resolve()):
        raise ManifestMissing(f"{MANIFEST} resolves outside the checkout, to {real}")
    return real


def load_manifest(checkout: Path) -> dict[str, Any]:
    """Read and validate the manifest of ``checkout``; raise ManifestInvalid (or ManifestMissing)."""
    path = manifest_path(checkout)
    if not path.is_file():
        raise ManifestInvalid(f"{MANIFEST} is not a regular file")
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    return parse_manifest(data)
