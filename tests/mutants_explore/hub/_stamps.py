"""Shared piece: a hub that rewrites each stored timestamp on the way out (as a hub keeping a
datetime column prints it back), one way or another."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mutants.hub._parts import STAMP, MutantHub

# An RFC 3339 date-time, taken apart: date, time, fraction, offset.
PARTS = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?P<t>[Tt])(?P<time>\d{2}:\d{2}:\d{2})(?P<fraction>\.\d+)?"
    r"(?P<offset>[Zz]|[+-]\d{2}:\d{2})"
)


class StampHub(MutantHub):
    """The reference hub, each timestamp passed through ``printed`` when listed."""

    printed: Callable[[re.Match[str]], str] = staticmethod(lambda m: m.group(0))

    def rows(self) -> list[dict[str, Any]]:
        rows = super().rows()
        for row in rows:
            stamp = row.get(STAMP)
            match = PARTS.fullmatch(stamp) if isinstance(stamp, str) else None
            if match is not None:
                row[STAMP] = type(self).printed(match)
        return rows
