"""JSON values as the contract means them (RFC 8259): naming their kinds, reading them strictly.

Shared by every check that quotes what kind of value it met (a hub's body, a prepared event,
a fixture value, a timestamp) and by every reader of an implementation's JSON output.
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


def strict_loads(text: str) -> Any:
    """``json.loads``, refusing NaN and Infinity (RFC 8259 JSON only)."""
    return json.loads(text, parse_constant=reject_constant)
