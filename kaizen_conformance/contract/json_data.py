"""JSON values as the contract means them (RFC 8259): naming their kinds, reading them strictly.

Shared by every check that quotes what kind of value it met (a hub's body, a prepared event,
a fixture value, a timestamp) and by every reader of an implementation's JSON output.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
from typing import Any

JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "number",
    float: "number",
    type(None): "null",
}


def json_type(value: Any) -> str:
    """``object``, ``array``, ``string``, ``number``, ``boolean`` or ``null``; else the Python type's name."""
    return JSON_TYPES.get(type(value), type(value).__name__)


def reject_constant(constant: str) -> Any:
    """``parse_constant`` for ``json.loads``: Python reads NaN and Infinity; JSON has no such numbers."""
    raise ValueError(f"{constant} is not a JSON value")


def unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` refusing a member given twice (``json.loads`` keeps the last)."""
    members: dict[str, Any] = {}
    for name, value in pairs:
        if name in members:
            raise ValueError(f"member {name!r} is given twice in one object")
        members[name] = value
    return members


def strict_loads(text: str, *, unique: bool = False) -> Any:
    """``json.loads``, refusing NaN and Infinity (RFC 8259 JSON only), and with ``unique`` an
    object that gives a member twice (CloudEvents, contract 7.5)."""
    return json.loads(
        text, parse_constant=reject_constant, object_pairs_hook=unique_members if unique else None
    )
