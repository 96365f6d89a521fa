"""The kit's own judgement of a manifest (contract section 1): is this ``.kaizen/schedule.yml`` valid?

Used where the kit itself must say what SCH calls valid: the scaffold that ``init`` writes
(INI-001) and the labels of the manifest corpus (the kit's own tests hold every label to it,
and hold this module and the reference reader to each other).

It is written apart from the reference reader (``reference/schedule.py``) and takes another
road on purpose, so that each checks the other: the reference counts the expanded size, then
lets PyYAML's safe constructor build the document; this module checks nesting on the event
stream, then builds the data itself, node by node, admitting only plain YAML data tags and
spending a budget on every node it visits, aliases included.

``portable=True`` asks what a scaffold needs beyond validity: that every reader the contract
allows sees the same valid manifest. Where YAML 1.1 and 1.2 read a plain scalar differently
(``yes``, ``0755``, ``1:30``, ``1e3``) the contract takes no side, and YAML parsers differ at
the edges (libyaml accepts a tab before ``:``, PyYAML's pure-Python scanner does not); a
manifest that depends on one reading opts a repo in for some conforming resolvers and not for
others. A scaffold must opt it in for all of them.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import copy
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kaizen_conformance import contract

MANIFEST = Path(".kaizen") / "schedule.yml"
MAX_BYTES = 64 * 1024  # SCH-001
NODE_BUDGET = (
    100_000  # SCH-004: nodes visited with every alias expanded; a 64 KiB file has far fewer
)
MAX_DEPTH = 32  # a valid manifest is 4 levels deep (mapping, agents list, agent, scalar)

CORE = "tag:yaml.org,2002:"
SCALAR_TAGS = {
    CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp", "binary")
}
MERGE = CORE + "merge"


@dataclass(frozen=True)
class Verdict:
    """Valid or not, and why not (empty when valid). ``missing``: no manifest counts (SCH-006)."""

    valid: bool
    reason: str = ""
    missing: bool = False


class _Invalid(Exception):
    pass


# --------------------------------------------------------------------------- bytes → data


# libyaml where PyYAML has it (the reading most resolvers get); the pure-Python parser always.
FAST_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PURE_LOADER: type = yaml.SafeLoader


def _compose(text: str, loader_class: type = FAST_LOADER) -> yaml.Node | None:
    """The single document's node graph; a second document is an error (SCH-001)."""
    _check_depth(text, loader_class)
    loader = loader_class(text)
    try:
        if not loader.check_node():
            return None
        node: yaml.Node = loader.get_node()
        if loader.check_node():
            raise _Invalid("more than one YAML document")
        return node
    finally:
        loader.dispose()


def _check_depth(text: str, loader_class: type) -> None:
    """Refuse deep nesting from the event stream, before a (recursive) composer meets it."""
    depth = 0
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Invalid(f"{_line(event)}nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def _line(event_or_node: Any) -> str:
    mark = getattr(event_or_node, "start_mark", None)
    return f"line {mark.line + 1}: " if mark is not None else ""


class _Builder:
    """Turns a node graph into plain data; every node visit (alias or not) costs one unit."""

    def __init__(self, portable: bool) -> None:
        self.portable = portable
        self.spent = 0
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.spent += 1
        if self.spent > NODE_BUDGET:
            raise _Invalid(f"aliases expand to more than {NODE_BUDGET} nodes (an alias bomb)")
        if depth > MAX_DEPTH:
            raise _Invalid(
                f"nested more than {MAX_DEPTH} levels deep (or an alias that contains itself)"
            )
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in SCALAR_TAGS:
                raise _Invalid(
                    f"line {node.start_mark.line + 1}: tag {node.tag} is not plain YAML data"
                )
            try:
                return self.scalars.construct_object(node, deep=True)
            except Exception:  # noqa: BLE001 - '!!int abc' and the like
                raise _Invalid(
                    f"line {node.start_mark.line + 1}: {node.value!r:.40} is not a {node.tag}"
                ) from None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != CORE + "seq":
                raise _Invalid(
                    f"line {node.start_mark.line + 1}: tag {node.tag} is not a plain sequence"
                )
            return [self.build(item, depth + 1) for item in node.value]
        if node.tag != CORE + "map":
            raise _Invalid(
                f"line {node.start_mark.line + 1}: tag {node.tag} is not a plain mapping"
            )
        mapping: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                merged = {**self.merge(key_node, value_node, depth), **merged}
                continue
            key = self.build(key_node, depth + 1)
            if not isinstance(key, str):
                raise _Invalid(
                    f"line {key_node.start_mark.line + 1}: mapping key {key!r:.40} is not a string"
                )
            if key in mapping:
                raise _Invalid(
                    f"line {key_node.start_mark.line + 1}: key {key!r} appears twice in one mapping"
                )
            mapping[key] = self.build(value_node, depth + 1)
        return {**merged, **mapping}

    def merge(self, key_node: yaml.Node, value_node: yaml.Node, depth: int) -> dict[str, Any]:
        """YAML 1.1's merge key, read as PyYAML reads it; a portable manifest must not need it."""
        line = key_node.start_mark.line + 1
        if self.portable:
            raise _Invalid(f"line {line}: a merge key (<<) exists in YAML 1.1 only")
        value = self.build(value_node, depth + 1)
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(source, dict) for source in sources):
            raise _Invalid(f"line {line}: a merge key (<<) takes a mapping or a list of mappings")
        combined: dict[str, Any] = {}
        for source in reversed(sources):  # earlier sources win
            combined.update(source)
        return combined


# --------------------------------------------------------------------------- YAML 1.1 versus 1.2

_CORE_12 = (  # the YAML 1.2 core schema's reading of a plain scalar
    (re.compile(r"^(?:null|Null|NULL|~|)$"), lambda s: None),
    (re.compile(r"^(?:true|True|TRUE)$"), lambda s: True),
    (re.compile(r"^(?:false|False|FALSE)$"), lambda s: False),
    (re.compile(r"^[-+]?[0-9]+$"), lambda s: _decimal(s)),
    (re.compile(r"^0o[0-7]+$"), lambda s: int(s[2:], 8)),
    (re.compile(r"^0x[0-9a-fA-F]+$"), lambda s: int(s[2:], 16)),
    (re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"), float),
    (re.compile(r"^[-+]?\.(?:inf|Inf|INF)$"), lambda s: float(s.replace(".", "", 1))),
    (re.compile(r"^\.(?:nan|NaN|NAN)$"), lambda s: float("nan")),
)
_ONE_ONE_ONLY = re.compile(
    r"^(?:y|Y|n|N)$"
)  # booleans in the YAML 1.1 spec that PyYAML reads as text


class _TooLong:
    """A decimal with more digits than Python converts: equal to no value YAML 1.1 gives."""

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


def _decimal(text: str) -> Any:
    """YAML 1.2's reading of a decimal, leading zeros and all; never Python's digit-limit error."""
    digits = text.lstrip("+-").lstrip("0") or "0"
    if len(digits) > 4000:
        return _TooLong()
    return -int(digits) if text.startswith("-") else int(digits)


def _reading_12(text: str) -> Any:
    for pattern, convert in _CORE_12:
        if pattern.match(text):
            return convert(text)
    return text


def _same(a: Any, b: Any) -> bool:
    if a != a and b != b:  # NaN
        return True
    return type(a) is type(b) and a == b


def _version_dependent(root: yaml.Node) -> str | None:
    """The first plain scalar that YAML 1.1 (as PyYAML reads it) and 1.2 core read differently."""
    constructor = yaml.constructor.SafeConstructor()
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.style not in (None, ""):  # plain is None in PyYAML, "" in libyaml
                continue  # quoted or block text: a string in every version
            try:
                one_one = constructor.construct_object(node, deep=True)
            except Exception:  # noqa: BLE001 - an explicit tag the value does not fit: judged elsewhere
                continue
            if _ONE_ONE_ONLY.match(node.value) or not _same(one_one, _reading_12(node.value)):
                return (
                    f"line {node.start_mark.line + 1}: the plain scalar {node.value!r} reads differently "
                    "under YAML 1.1 and 1.2; quote it or write it unambiguously"
                )
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
    return None


# --------------------------------------------------------------------------- the verdicts


def check_bytes(data: bytes, *, portable: bool = False) -> Verdict:
    """SCH-001..005 on the file's bytes (SCH-005's duplicate keys count as invalid here)."""
    return _judged(data, portable)


@lru_cache(maxsize=256)
def _judged(data: bytes, portable: bool) -> Verdict:
    """The verdict on these bytes, made once: the checks of every role that reads a case's
    manifest ask about the same bytes (a frozen Verdict, so every caller may keep it)."""
    try:
        return (
            Verdict(True)
            if (problem := _problem(data, portable)) is None
            else Verdict(False, problem)
        )
    except _Invalid as exc:
        return Verdict(False, str(exc))


def _problem(data: bytes, portable: bool) -> str | None:
    if len(data) > MAX_BYTES:
        return f"{len(data)} bytes, over the {MAX_BYTES}-byte bound"
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 (byte {exc.start})"
    try:
        root = _compose(text)
    except yaml.YAMLError as exc:
        return f"not YAML a safe loader accepts: {' '.join(str(exc).split())[:200]}"
    except RecursionError:
        return "nested too deeply to read"
    if root is None:
        return "empty: no YAML document"
    document = _Builder(portable).build(root)
    if not isinstance(document, dict):
        return f"the document is {type(document).__name__}, not a mapping"
    if "version" in document and type(document["version"]) is not int:  # True == 1 in Python
        return f"version is {document['version']!r:.40}, not the integer 1"
    errors = sorted(
        contract.validator("manifest").iter_errors(document), key=lambda e: list(e.absolute_path)
    )
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "top level"
        return f"{where}: {errors[0].message[:200]}"
    names = [agent["name"] for agent in document["agents"]]
    if repeated := sorted({name for name in names if names.count(name) > 1}):
        return f"agent names repeat: {', '.join(repeated)}"  # SCH-002
    if portable:
        return (
            not_printable(text)
            or _parser_dependent(text, document)
            or _forbidden_by_yaml_12(text)
            or _version_dependent(root)
            or non_specific_tag(text)
            or _float_version(document)
        )
    return None


# Characters outside YAML's printable set: PyYAML refuses them, npm's yaml reads a NUL and
# js-yaml a U+0001 (fixtures/manifests/parser-evidence.json): no single verdict (section 7).
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def not_printable(text: str) -> str | None:
    """Why ``text`` has no single reading for want of YAML's printable characters, or None."""
    found = _NOT_PRINTABLE.search(text)
    if found is None:
        return None
    return (
        f"U+{ord(found.group()):04X} is no character YAML allows: some YAML readers refuse the "
        "file, others read it"
    )


def non_specific_tag(text: str) -> str | None:
    """A scalar tagged ``!`` that PyYAML reads as other than its text, or None.

    YAML 1.2 makes a scalar with the non-specific tag a string (npm's yaml and js-yaml read
    ``! 1`` as "1"); PyYAML and ruamel.yaml resolve it as if it had no tag (the integer 1, and
    ``! ""`` as null): no single verdict (section 7).
    """
    resolver = yaml.resolver.Resolver()
    try:
        for event in yaml.parse(text, Loader=PURE_LOADER):
            if not (isinstance(event, yaml.ScalarEvent) and event.tag == "!"):
                continue
            tag = resolver.resolve(yaml.ScalarNode, event.value, (True, False))  # type: ignore[no-untyped-call]
            if tag != resolver.DEFAULT_SCALAR_TAG:
                return (
                    f"{_line(event)}{event.value!r:.40} tagged '!' is a string in YAML 1.2, "
                    f"{tag.rsplit(':', 1)[-1]} to PyYAML"
                )
    except yaml.YAMLError:
        return None  # the pure-Python parser refuses it: judged by the readings
    return None


def reading_depends_on_parser(text: str) -> bool:
    """Whether another reader the contract allows may read ``text`` otherwise than the judge's
    own (libyaml's) reading: a plain scalar YAML 1.1 and 1.2 read differently, or PyYAML's
    pure-Python parser reading another document, or failing where libyaml reads one (or the
    other way round). Where it does not, an invalid verdict holds for every reader; where it
    does, the contract gives the manifest no single verdict (section 7)."""
    if not_printable(text) or non_specific_tag(text):
        return True
    readings: list[tuple[str, Any]] = []
    for loader in (FAST_LOADER, PURE_LOADER):
        try:
            root = _compose(text, loader)
            if root is not None and _version_dependent(root):
                return True
            document = _Builder(portable=False).build(root) if root is not None else None
            readings.append(("read", document))
        except (yaml.YAMLError, _Invalid, RecursionError):
            readings.append(("refused", None))
    return readings[0] != readings[1]


def _parser_dependent(text: str, document: dict[str, Any]) -> str | None:
    """Whether PyYAML's pure-Python parser reads ``text`` as the same document libyaml did."""
    if PURE_LOADER is FAST_LOADER:
        return None
    try:
        root = _compose(text, PURE_LOADER)
        other = _Builder(portable=True).build(root) if root is not None else None
    except (yaml.YAMLError, _Invalid, RecursionError) as exc:
        return f"YAML parsers disagree on it: libyaml reads it, PyYAML's pure-Python parser says {' '.join(str(exc).split())[:160]}"
    if other != document:
        return "YAML parsers disagree on it: libyaml and PyYAML's pure-Python parser read different documents"
    return None


def _float_version(document: dict[str, Any]) -> str | None:
    """``version: 1.0``: JSON Schema validators differ on whether 1.0 is the integer 1."""
    if isinstance(document.get("version"), float):
        return "version is a float: whether it is the integer 1 depends on the reader; write 1"
    return None


def _forbidden_by_yaml_12(text: str) -> str | None:
    """Text PyYAML reads that YAML 1.2 forbids (the yaml-test-suite's error cases PyYAML accepts).

    Judged on the pure-Python event stream and the raw text: a comment touching what precedes
    it, a line of a flow collection or of a multi-line flow scalar not indented (with spaces)
    past its block, and a plain '-', '?' or ':' inside a flow collection.
    """
    try:
        events = list(yaml.parse(text, Loader=PURE_LOADER))
    except yaml.YAMLError:
        return None  # the other reader's disagreement is reported already
    lines = text.splitlines()
    in_scalar = [False] * (len(text) + 1)
    blocks: list[int] = []  # columns of the enclosing block collections
    open_collections: list[tuple[bool, int, int]] = []  # (flow?, start line, indent wanted)
    for event in events:
        start, end = event.start_mark, event.end_mark
        if start is None or end is None:
            continue  # every event of a parsed stream has marks
        wanted = blocks[-1] + 1 if blocks else 0
        in_flow = any(flow for flow, _, _ in open_collections)
        if isinstance(event, yaml.ScalarEvent):
            for index in range(start.index, end.index):
                in_scalar[index] = True
            if in_flow and event.style is None and event.value in ("-", "?", ":"):
                return f"line {start.line + 1}: a plain {event.value!r} inside a flow collection"
            if (
                event.style in (None, "'", '"')
                and end.line > start.line
                and (problem := _underindented(lines, start.line + 1, end.line, wanted))
            ):
                return problem
        elif isinstance(event, yaml.CollectionStartEvent):
            flow = bool(event.flow_style)
            open_collections.append((flow, start.line, wanted))
            if not flow:
                blocks.append(start.column)
        elif isinstance(event, yaml.CollectionEndEvent) and open_collections:
            flow, first, wanted = open_collections.pop()
            if not flow:
                blocks.pop()
            elif problem := _underindented(lines, first + 1, end.line, wanted):
                return problem
    for index, char in enumerate(text):
        if (
            char == "#"
            and not in_scalar[index]
            and index
            and text[index - 1] not in " \t\r\n\ufeff"
        ) and not _inside_comment(text, index):
            return f"line {text.count(chr(10), 0, index) + 1}: a comment must follow a space"
    return None


def _inside_comment(text: str, index: int) -> bool:
    """Whether a '#' at ``index`` is itself inside a comment that started earlier on its line."""
    line_start = text.rfind("\n", 0, index) + 1
    before = text[line_start:index]
    return any(
        char == "#" and (at == 0 or before[at - 1] in " \t") for at, char in enumerate(before)
    )


def _underindented(lines: list[str], first: int, last: int, wanted: int) -> str | None:
    for number in range(first, min(last, len(lines) - 1) + 1):
        line = lines[number]
        if line.strip() and len(line) - len(line.lstrip(" ")) < wanted:
            return (
                f"line {number + 1}: indented by fewer than {wanted} spaces inside a flow node "
                "(YAML 1.2 forbids it; PyYAML reads it)"
            )
    return None


def check_checkout(checkout: Path, *, portable: bool = False) -> Verdict:
    """The manifest of ``checkout`` as every opt-in decider must see it (SCH-006, then the bytes).

    Only ``.kaizen/schedule.yml`` counts, and only when it resolves inside the checkout; a
    dangling link, or one leading out, counts as no manifest at all.
    """
    found = _manifest_bytes(checkout)
    return found if isinstance(found, Verdict) else check_bytes(found, portable=portable)


def _manifest_bytes(checkout: Path) -> Verdict | bytes:
    """The bytes of the manifest that counts for ``checkout``, or the verdict when none does."""
    entry = checkout / MANIFEST
    if not os.path.lexists(entry):
        return Verdict(False, f"no {MANIFEST.as_posix()}", missing=True)
    root = os.path.realpath(checkout)
    real = os.path.realpath(entry)
    if os.path.commonpath([root, real]) != root:
        return Verdict(
            False, f"{MANIFEST.as_posix()} resolves outside the checkout, to {real}", missing=True
        )
    try:
        info = os.stat(real)
    except OSError:
        return Verdict(
            False,
            f"{MANIFEST.as_posix()} does not resolve (a dangling link, or a loop)",
            missing=True,
        )
    if not stat.S_ISREG(info.st_mode):
        return Verdict(False, f"{MANIFEST.as_posix()} is not a regular file")
    with open(real, "rb") as handle:
        return handle.read(MAX_BYTES + 1)


def agents_in(checkout: Path) -> list[dict[str, Any]] | None:
    """The agents of the checkout's manifest, in file order, when SCH calls it valid; else None.

    What ``schedule list`` must show (LST-001), read by the kit's own road rather than taken
    from the implementation under test or the reference.
    """
    found = _manifest_bytes(checkout)  # read once, judged and listed from the same bytes
    if isinstance(found, Verdict) or not check_bytes(found).valid:
        return None
    return copy.deepcopy(_agents_of(found))  # the caller's own: a check may change its copy


@lru_cache(maxsize=64)
def _agents_of(data: bytes) -> list[dict[str, Any]]:
    root = _compose(data.decode("utf-8"))
    assert root is not None  # a valid manifest has its document
    agents: list[dict[str, Any]] = _Builder(portable=False).build(root)["agents"]
    return agents
