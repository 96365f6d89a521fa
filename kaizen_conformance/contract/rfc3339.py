"""RFC 3339 date-times, checked properly: the grammar, each field's range, leap seconds.

Shared by every check that judges a timestamp (the hub's kaizen_schedule_updated_at, the
prepared event's time), so all of them accept and refuse exactly the same strings.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from kaizen_conformance.contract.json_data import json_type

_DATE_TIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?P<fraction>\.[0-9]+)?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<offset_hour>[0-9]{2}):(?P<offset_minute>[0-9]{2}))"
)
# Near misses, to say what is wrong rather than only that something is.
_NEAR_MISS = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?P<separator>.)(?P<time>[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)"
    r"(?P<rest>.*)",
    re.DOTALL,
)
_OFFSET = re.compile(r"[Zz]|[+-][0-9]{2}:[0-9]{2}")


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar, for any year 0000-9999."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def rfc3339_problem(value: Any) -> str:
    """'' when ``value`` is an RFC 3339 ``date-time`` (section 5.6, with its section 5.7 limits).

    The whole string must match the grammar (ASCII digits only, 'T' between date and time, an
    offset: a local time names no instant), and each field must be in range: the day exists in
    that month of that year, hours below 24, a leap second only at 23:59:60 UTC.
    """
    if not isinstance(value, str):
        return f"a JSON {json_type(value)}, not a date-time string"
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        return _near_miss(value)
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
    if not 1 <= month <= 12:
        return f"{value!r} has month {month:02d}"
    if not 1 <= day <= _days_in_month(year, month):
        return f"{value!r}: day {day:02d} does not exist in {year:04d}-{month:02d}"
    if hour > 23 or minute > 59 or second > 60:
        return f"{value!r} has a time of day out of range ({hour:02d}:{minute:02d}:{second:02d})"
    if match["sign"]:
        offset_hour, offset_minute = int(match["offset_hour"]), int(match["offset_minute"])
        if offset_hour > 23 or offset_minute > 59:
            return f"{value!r} has an offset out of range ({match['sign']}{offset_hour:02d}:{offset_minute:02d})"
    if second == 60:
        sign = -1 if match["sign"] == "-" else 1
        offset = sign * (int(match["offset_hour"] or 0) * 60 + int(match["offset_minute"] or 0))
        if (hour * 60 + minute - offset) % 1440 != 23 * 60 + 59:
            return f"{value!r} has second 60, which exists only at 23:59:60 UTC (a leap second)"
    return ""


def _near_miss(value: str) -> str:
    shape = "YYYY-MM-DDThh:mm:ss[.fraction] followed by Z or ±hh:mm"
    if not value.isascii():
        return f"{value!r} is not an RFC 3339 date-time: it has characters outside ASCII ({shape})"
    near = _NEAR_MISS.fullmatch(value)
    if near is None:
        return f"{value!r} is not an RFC 3339 date-time ({shape})"
    if near["separator"] not in "Tt":
        return f"{value!r} separates date and time with {near['separator']!r}; an RFC 3339 date-time uses 'T'"
    if near["time"].count(":") < 2:
        return f"{value!r} has no seconds ({shape})"
    rest = near["rest"]
    if not rest:
        return f"{value!r} has no offset: a local time names no instant; add Z or ±hh:mm"
    if not _OFFSET.fullmatch(rest):
        return f"{value!r} has the offset {rest!r}; RFC 3339 wants Z or ±hh:mm"
    return f"{value!r} is not an RFC 3339 date-time ({shape})"


def rfc3339_instant(value: str) -> Fraction:
    """Seconds since the epoch, exactly (fractions of any length); ``value`` must be valid."""
    match = _DATE_TIME.fullmatch(value)
    assert match is not None
    days = _days_from_civil(int(match["year"]), int(match["month"]), int(match["day"]))
    seconds = Fraction(
        days * 86400 + int(match["hour"]) * 3600 + int(match["minute"]) * 60 + int(match["second"])
    )
    if match["fraction"]:
        seconds += Fraction(match["fraction"])
    if match["sign"]:
        offset = int(match["offset_hour"]) * 3600 + int(match["offset_minute"]) * 60
        seconds -= offset if match["sign"] == "+" else -offset
    return seconds
