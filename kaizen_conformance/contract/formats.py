"""The kit's own reading of JSON Schema ``format`` and ``pattern``, the same on every machine.

jsonschema's global format checker checks ``date-time``, ``uri`` and ``uri-reference`` only
when optional packages happen to be importable (``rfc3339-validator``, ``rfc3987``, ...), and
each of those has its own idea of the grammar: a verdict would depend on what else is
installed. So every format the kit's schemas use is checked here, by the kit's own code:
``date-time`` by ``contract/rfc3339.py``, ``uri`` and ``uri-reference`` by RFC 3986's grammar
below. Formats the kit's schemas do not use are not checked at all.

JSON Schema patterns follow ECMA-262, where ``$`` (without the multiline flag) matches only at
the very end of the string and ``.`` matches no line terminator. Python's ``re`` lets ``$``
match before a trailing newline, so ``"coach\\n"`` would match ``^[a-z]+$``. ``ecma_pattern``
rewrites a schema pattern into a Python one with ECMA-262's meaning for those two.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache, lru_cache
from typing import Any

from kaizen_conformance.contract.rfc3339 import rfc3339_problem

# --------------------------------------------------------------------------- RFC 3986

_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_SEGMENT = rf"{_PCHAR}*"
_SEGMENT_NZ = rf"{_PCHAR}+"
_SEGMENT_NZ_NC = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}@]|{_PCT})+"  # no ':' (RFC 3986 section 4.2)
_QUERY = rf"(?:{_PCHAR}|[/?])*"
_SCHEME = r"[A-Za-z][A-Za-z0-9+\-.]*"
_USERINFO = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*"
_REG_NAME = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*"
_IP_LITERAL = r"\[(?P<literal>[^\]]*)\]"
_AUTHORITY = rf"(?:{_USERINFO}@)?(?:{_IP_LITERAL}|{_REG_NAME})(?::[0-9]*)?"
_PATH_ABEMPTY = rf"(?:/{_SEGMENT})*"
_PATH_ABSOLUTE = rf"/(?:{_SEGMENT_NZ}(?:/{_SEGMENT})*)?"
_PATH_ROOTLESS = rf"{_SEGMENT_NZ}(?:/{_SEGMENT})*"
_PATH_NOSCHEME = rf"{_SEGMENT_NZ_NC}(?:/{_SEGMENT})*"
_TAIL = rf"(?:\?{_QUERY})?(?:#{_QUERY})?"

_URI = re.compile(
    rf"{_SCHEME}:(?://{_AUTHORITY}{_PATH_ABEMPTY}|{_PATH_ABSOLUTE}|{_PATH_ROOTLESS}|){_TAIL}"
)
_RELATIVE_REF = re.compile(
    rf"(?://{_AUTHORITY}{_PATH_ABEMPTY}|{_PATH_ABSOLUTE}|{_PATH_NOSCHEME}|){_TAIL}"
)
_IP_FUTURE = re.compile(rf"[vV][0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+")


def _literal_ok(match: re.Match[str]) -> bool:
    """An IP-literal holds an IPv6 address (no zone id in RFC 3986) or an IPvFuture."""
    literal = match["literal"]
    if literal is None:
        return True
    if _IP_FUTURE.fullmatch(literal):
        return True
    if "%" in literal:
        return False
    try:
        ipaddress.IPv6Address(literal)
    except ValueError:
        return False
    return True


def is_uri(value: str) -> bool:
    """RFC 3986 ``URI``: a scheme, then the rest (absolute; a fragment is allowed)."""
    match = _URI.fullmatch(value)
    return match is not None and _literal_ok(match)


def is_uri_reference(value: str) -> bool:
    """RFC 3986 ``URI-reference``: a URI or a relative reference."""
    if is_uri(value):
        return True
    match = _RELATIVE_REF.fullmatch(value)
    return match is not None and _literal_ok(match)


# --------------------------------------------------------------------------- the checker

CHECKED_FORMATS = ("date-time", "uri", "uri-reference")


@lru_cache(maxsize=1)
def format_checker() -> Any:
    """A FormatChecker with only the kit's own checks: the same verdicts whatever is installed."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checks = {
        "date-time": lambda value: not rfc3339_problem(value),
        "uri": is_uri,
        "uri-reference": is_uri_reference,
    }
    for name, check in checks.items():
        checker.checks(name)(_strings_only(check))
    return checker


def _strings_only(check: Any) -> Any:
    def checked(value: Any) -> bool:
        return not isinstance(value, str) or bool(check(value))

    return checked


# --------------------------------------------------------------------------- ECMA-262 patterns

_ECMA_DOT = "[^\\n\\r\\u2028\\u2029]"


def ecma_pattern(pattern: str) -> str:
    """``pattern`` rewritten so Python's ``re`` gives it ECMA-262's meaning of ``$`` and ``.``.

    Outside a character class, ``$`` becomes ``\\Z`` (end of string, never before a final
    newline) and ``.`` matches any character but a line terminator. Escapes and classes are
    copied as they are.
    """
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            if pattern[index + 1 : index + 2] == "^":
                out.append("^")
                index += 1
            if pattern[index + 1 : index + 2] == "]":  # a literal ']' first in the class
                out.append("\\]")
                index += 1
        elif char == "$":
            out.append("\\Z")
        elif char == ".":
            out.append(_ECMA_DOT)
        else:
            out.append(char)
        index += 1
    return "".join(out)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_pattern(pattern))


def _pattern_keyword(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """``pattern`` with its ECMA-262 meaning; the error quotes the schema's own pattern."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@lru_cache(maxsize=1)
def validator_class() -> Any:
    """Draft 2020-12 with ECMA-262 ``pattern``; use it on a schema passed through
    ``with_ecma_patterns`` (which rewrites the ``patternProperties`` names it cannot reach)."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {"pattern": _pattern_keyword})


def with_ecma_patterns(schema: Any) -> Any:
    """A copy of ``schema`` whose ``patternProperties`` keys are rewritten (``pattern`` values
    are left to ``validator_class``, so that errors quote them as written)."""
    if isinstance(schema, list):
        return [with_ecma_patterns(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copied: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "patternProperties" and isinstance(value, dict):
            copied[key] = {ecma_pattern(k): with_ecma_patterns(v) for k, v in value.items()}
        elif key in ("const", "enum", "default", "examples"):
            copied[key] = value  # data, not schema
        elif key in ("properties", "$defs") and isinstance(value, dict):
            copied[key] = {k: with_ecma_patterns(v) for k, v in value.items()}
        else:
            copied[key] = with_ecma_patterns(value)
    return copied
