"""Reference reading of ``.kaizen/schedule.yml`` (contract section 1, rules SCH-001..006).

Written to be read: each step says which rule it implements. It shares nothing with the
kit's checking code but the shipped manifest schema.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import re
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


NAME = re.compile(r"[a-z][a-z0-9-]{0,62}")  # SCH-001, matched against the whole name


class _StrictMixin:
    """A safe loader (SCH-003: no language objects) that refuses duplicate keys (SCH-005)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
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
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc, no-any-return]


class _StrictPureLoader(_StrictMixin, yaml.SafeLoader):
    """PyYAML's pure-Python parser: present in every install."""


# libyaml where PyYAML has it. Both readings are taken, and a manifest they read differently
# is refused as parser-dependent (contract section 7): libyaml accepts some text the
# pure-Python scanner refuses (a tab before ':', '># comment', '%YAML 1.1#...').
_LOADERS: list[type] = [_StrictPureLoader]
if hasattr(yaml, "CSafeLoader"):

    class _StrictFastLoader(_StrictMixin, yaml.CSafeLoader):
        """libyaml's parser."""

    _LOADERS.append(_StrictFastLoader)


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


PARSER_DEPENDENT = "its meaning depends on the YAML parser"  # contract section 7, VAL-004


class ManifestParserDependent(ManifestInvalid):
    """Safe YAML loaders accept it and others refuse it, or they read it differently."""


def _read_with(loader_class: type, text: str) -> Any:
    """The one document as ``loader_class`` reads it; ManifestInvalid when it cannot."""
    try:
        loader = loader_class(text)  # the pure-Python reader checks the characters here
    except yaml.YAMLError as exc:
        raise ManifestInvalid(f"not accepted by a safe YAML loader: {exc}") from None
    try:
        node = loader.get_single_node()  # raises on a second document
        if node is None:
            raise ManifestInvalid("empty: no YAML document")
        if _expanded_size(node) > MAX_EXPANDED_NODES:
            raise ManifestInvalid(f"aliases expand to more than {MAX_EXPANDED_NODES} nodes")
        return loader.construct_document(node)
    except ManifestInvalid:
        raise
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


# Text that libyaml reads and PyYAML's pure-Python scanner refuses: named when only the latter
# is installed, so the refusal says the same everywhere.
_ONLY_LIBYAML_READS = (
    (re.compile(r"[^\s]\t+:(?=[ \t\r\n]|$)", re.M), "a tab before ':'"),
    (re.compile(r"^%[^\n#]*[^\s#]#", re.M), "a comment touching a directive"),
    (re.compile(r"(?:^|[\s:-])[|>][0-9+-]*#", re.M), "a comment touching a block scalar header"),
    (re.compile(r"[\[{][^\]}]*\n *\t"), "a tab indenting a line of a flow collection"),
)


def _refuse_deep_nesting(text: str) -> None:
    """ManifestInvalid for text nested past libyaml's bound, before any reader builds it.

    libyaml refuses such nesting at once; PyYAML's pure-Python scanner takes seconds to reach
    its recursion limit on the same text, which brings a per-call limit of a few seconds
    close. Nothing nested that deep is a manifest (SCH-001: four levels), whatever the parser.
    """
    if not hasattr(yaml, "CSafeLoader"):
        return
    try:
        for _ in yaml.parse(text, Loader=yaml.CSafeLoader):
            pass
    except yaml.YAMLError as exc:
        if "maximum nesting depth" in str(exc):
            raise ManifestInvalid("nested too deeply") from None


# Characters outside YAML's printable set. PyYAML refuses them; npm's yaml reads a NUL (and
# js-yaml a U+0001) where PyYAML stops: some safe loaders accept such a file and others refuse it
# (measured: fixtures/manifests/parser-evidence.json), so its meaning depends on the parser.
NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _load(text: str) -> Any:
    """The document as every installed reader reads it, or ManifestInvalid."""
    if found := NOT_PRINTABLE.search(text):
        line = text.count("\n", 0, found.start()) + 1
        raise ManifestParserDependent(
            f"{PARSER_DEPENDENT}: line {line} holds U+{ord(found.group()):04X}, a character YAML "
            "does not allow; some YAML readers refuse the file, others read it"
        )
    _refuse_deep_nesting(text)
    readings: list[tuple[Any, ManifestInvalid | None]] = []
    for loader_class in _LOADERS:
        try:
            readings.append((_read_with(loader_class, text), None))
        except ManifestInvalid as exc:
            readings.append((None, exc))
    errors = [error for _, error in readings if error is not None]
    if len(errors) == len(readings):
        pure_error = errors[0]
        if str(pure_error).startswith("not accepted"):
            for pattern, construct in _ONLY_LIBYAML_READS:
                if pattern.search(text):
                    raise ManifestParserDependent(
                        f"{PARSER_DEPENDENT}: {construct} is read by libyaml and refused by "
                        f"PyYAML's pure-Python parser ({pure_error})"
                    )
        raise pure_error
    if errors:
        raise ManifestParserDependent(
            f"{PARSER_DEPENDENT}: one YAML parser reads it and another refuses it ({errors[0]})"
        )
    # Compared as their repr, stricter than ==: a reading of 1 is not one of True or 1.0.
    document, first = readings[0][0], repr(readings[0][0])
    if any(repr(other) != first for other, _ in readings[1:]):
        raise ManifestParserDependent(f"{PARSER_DEPENDENT}: YAML parsers read it differently")
    return document


def parse_manifest(data: bytes) -> dict[str, Any]:
    """Decide validity from the file's bytes; return the mapping or raise ManifestInvalid."""
    if len(data) > MAX_BYTES:
        raise ManifestInvalid(f"larger than {MAX_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestInvalid(f"not valid UTF-8: {exc}") from None
    document = _load(text)
    if not isinstance(document, dict):
        raise ManifestInvalid(f"the document is a {type(document).__name__}, not a mapping")
    construct = _yaml_12_forbids(text) or _yaml_11_only(text) or _non_specific_tag(text)
    if construct:
        raise ManifestParserDependent(f"{PARSER_DEPENDENT}: {construct}")
    version = document.get("version")
    if isinstance(version, float) and version == 1:
        raise ManifestParserDependent(
            f"{PARSER_DEPENDENT}: version is the float {version!r}, which JSON Schema validators "
            "read as the integer 1 or not; write version: 1"
        )
    try:
        error = next(iter(sorted(_VALIDATOR.iter_errors(document), key=lambda e: e.path)), None)
    except RecursionError:
        raise ManifestInvalid("nested too deeply") from None
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise ManifestInvalid(f"{where}: {error.message}")
    names = [agent["name"] for agent in document["agents"]]
    for index, name in enumerate(names):
        if not NAME.fullmatch(name):  # the schema's '$' would let a final newline through
            raise ManifestInvalid(f"agents/{index}/name: {name!r} is not a whole agent name")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ManifestInvalid(f"agent names are not unique: {', '.join(duplicates)}")  # SCH-002
    return document


# --------------------------------------------------------------------------- parser-dependent text
#
# PyYAML (both parsers) reads some text that YAML 1.2 forbids, and reads some plain scalars as
# YAML 1.1 does. A manifest that relies on either means one thing to one conforming resolver
# and another (or nothing) to the next: the contract calls it parser-dependent (section 7).

_FLOW_OPEN = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)
_FLOW_CLOSE = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)
_BLOCK_OPEN = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken)


def _yaml_12_forbids(text: str) -> str | None:
    """The first construct PyYAML reads that YAML 1.2 forbids, from the pure-Python token stream."""
    try:
        tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return None  # the other reader's verdict decided already
    lines = text.splitlines()
    blocks: list[int] = []  # columns of the open block collections
    flow = 0
    previous_end = 0
    previous_line = 0
    for token in tokens:
        start, end = token.start_mark, token.end_mark
        gap = text[previous_end : start.index]
        comment = _touching_comment(text, previous_end, gap)
        if comment is not None:
            return f"line {comment}: a comment must be separated from the text before it by a space"
        indent = blocks[-1] + 1 if blocks else 0
        if flow and start.line > previous_line and not _indented(lines[start.line], indent):
            return (
                f"line {start.line + 1}: a flow collection's line must be indented by more than "
                "its block (with spaces)"
            )
        if (
            isinstance(token, yaml.ScalarToken)
            and end.line > start.line
            and token.style != "|"
            and token.style != ">"
        ):
            for number in range(start.line + 1, end.line + 1):
                if lines[number].strip() and not _indented(lines[number], indent):
                    return (
                        f"line {number + 1}: a scalar's continuation line must be indented by more "
                        "than its block (with spaces)"
                    )
        if (
            isinstance(token, yaml.ScalarToken)
            and flow
            and token.plain
            and token.value in ("-", "?", ":")
        ):
            return f"line {start.line + 1}: a plain {token.value!r} in a flow collection"
        if isinstance(token, _BLOCK_OPEN):
            blocks.append(start.column)
        elif isinstance(token, yaml.BlockEndToken) and blocks:
            blocks.pop()
        elif isinstance(token, _FLOW_OPEN):
            flow += 1
        elif isinstance(token, _FLOW_CLOSE):
            flow -= 1
        previous_end, previous_line = end.index, end.line
    return None


def _touching_comment(text: str, offset: int, gap: str) -> int | None:
    """The line of a comment in ``gap`` (text between tokens) that touches the text before it."""
    index = 0
    while index < len(gap):
        char = gap[index]
        if char == "#":
            before = text[offset + index - 1] if offset + index else "\n"
            if before not in " \t\r\n\ufeff":
                return text.count("\n", 0, offset + index) + 1
            index = gap.find("\n", index)
            if index < 0:
                return None
        index += 1
    return None


def _indented(line: str, columns: int) -> bool:
    """Whether ``line`` starts with at least ``columns`` spaces (a tab is not indentation)."""
    return len(line) - len(line.lstrip(" ")) >= columns


_CORE_12 = (  # how the YAML 1.2 core schema reads a plain scalar
    ("null", re.compile(r"null|Null|NULL|~|")),
    ("bool", re.compile(r"true|True|TRUE|false|False|FALSE")),
    ("int", re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")),
    ("float", re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")),
    ("float", re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")),
)
_YAML_11_BOOLEANS = re.compile(r"y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF")


def _tag_12(value: str) -> str:
    for tag, pattern in _CORE_12:
        if pattern.fullmatch(value):
            return tag
    return "str"


def _int_12(value: str) -> int | None:
    if value.startswith(("0o", "0x")):
        return int(value[2:], 8 if value[1] == "o" else 16)
    digits = value.lstrip("+-").lstrip("0") or "0"
    if len(digits) > 4000:
        return None  # more digits than Python reads; no manifest needs them
    return -int(digits) if value.startswith("-") else int(digits)


def _yaml_11_only(text: str) -> str | None:
    """The first plain scalar PyYAML (YAML 1.1) and the YAML 1.2 core schema read differently."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        stack = [root] if root is not None else []
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.tag == "tag:yaml.org,2002:merge":
                        return f"line {key.start_mark.line + 1}: a merge key (<<) exists in YAML 1.1 only"
                    stack.extend((key, value))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
            elif (
                isinstance(node, yaml.ScalarNode)
                and node.style is None
                and node.tag == loader.resolve(yaml.ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]
            ):  # a plain scalar without an explicit tag: the resolver chose its type
                problem = _reads_differently(loader, node)
                if problem:
                    return f"line {node.start_mark.line + 1}: the plain scalar {node.value!r:.40} {problem}"
    except (yaml.YAMLError, RecursionError, ValueError):
        return None  # judged by the readers already
    finally:
        loader.dispose()
    return None


def _non_specific_tag(text: str) -> str | None:
    """The first scalar tagged ``!`` that PyYAML does not read as a string.

    YAML 1.2 reads a scalar with the non-specific tag ``!`` as a string (``version: ! 1`` is
    "1"); PyYAML resolves it as if untagged (the integer 1, and an empty one as null, where
    libyaml reads ""). npm's yaml and js-yaml read the string.
    """
    resolver = yaml.resolver.Resolver()
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.ScalarEvent) and event.tag == "!":
            tag = resolver.resolve(yaml.ScalarNode, event.value, (True, False))  # type: ignore[no-untyped-call]
            if tag != "tag:yaml.org,2002:str":
                return (
                    f"line {event.start_mark.line + 1}: {event.value!r:.40} tagged '!' is a string "  # type: ignore[union-attr]
                    f"in YAML 1.2 and {tag.rsplit(':', 1)[1]} to PyYAML; write it without the '!'"
                )
    return None


def _reads_differently(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str | None:
    one_one = node.tag.rsplit(":", 1)[1]
    one_two = _tag_12(node.value)
    differ = "reads differently under YAML 1.1 and 1.2; quote it or write it unambiguously"
    if _YAML_11_BOOLEANS.fullmatch(node.value) or one_one != one_two:
        return differ
    if one_one == "int":
        try:
            value = loader.construct_object(node)
        except ValueError:
            return differ
        if value != _int_12(node.value):
            return differ
    return None


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
