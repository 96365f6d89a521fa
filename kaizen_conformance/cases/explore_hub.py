"""Hub examples beyond the golden cases, drawn by Hypothesis: rosters to seed and the queries to
ask of each, as the data of a hub ``case.yml``.

A roster is exactly the ``records`` of a hub case (what the seed function receives), so the
roster seeded when the hub answered wrong, with the query it answered wrong, is written out as
a case the golden suite loads. Only what the contract defines is drawn: RFC 3339 date-times that
``contract/rfc3339.py`` accepts (fractions up to nanoseconds, offsets with minutes, ``-00:00``,
lower-case ``t`` and ``z``, leap seconds at 23:59:60 UTC written in any offset), domains that
differ only by case, accents or a suffix, non-ASCII slugs and hosts, empty ``host_paths``,
repos flagged true, false or never; queries on ``domain`` and ``true``/``false`` in either
order; the other spellings and the unparseable values of ``fixtures/hub/probes.yml``.

This module imports Hypothesis at its top: only ``--kaizen-explore`` imports it.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from kaizen_conformance.cases.hub import FLAG, STAMP, Params, probes, select

# Every list is ordered simplest first: Hypothesis shrinks a choice toward its first entry, so a
# shrunk example reads as the ordinary case with the one odd thing that matters.
DOMAINS = (
    "custodian",
    "labs",
    "équipe",
    "equipe",
    "Équipe",
    "core",
    "core-tools",
    "Core",
    "研究",
    "r&d",
    "team a",
)
NAMES = ("alpha", "beta", "café", "naïve-repo", "リポジトリ", "emoji-🚀", "a b")
HOSTS = ("runner-01", "runner-02", "ランナー-01")
# Offsets as written; the minutes of a negative offset count against the instant too.
OFFSETS = (
    "Z",
    "+00:00",
    "z",
    "-00:00",
    "+02:00",
    "-07:00",
    "+05:30",
    "-03:30",
    "+05:45",
    "-09:30",
    "+14:00",
    "-12:00",
)
QUERY_KINDS = ("domain", "flag", "domain+flag", "flag+domain")


def weighted(common: tuple[Any, ...], rare: tuple[Any, ...], odds: int = 1) -> Any:
    """One of ``common`` about ``odds`` times in ``odds + 1``, else one of ``rare``; shrinks
    toward ``common[0]``. One static ``sampled_from`` (``cases.explore.mostly``'s flatmap builds a
    strategy per draw, and a roster draws dozens of choices)."""
    repeat = max(1, -(-odds * len(rare) // len(common)))
    return st.sampled_from(common * repeat + rare)


def offset_minutes(offset: str) -> int:
    if offset in ("Z", "z"):
        return 0
    sign = -1 if offset[0] == "-" else 1
    return sign * (int(offset[1:3]) * 60 + int(offset[4:6]))


# The instant: seconds from 2026-01-01T00:00:00 (where it shrinks to), thirty years back to ten
# ahead, so leap days and the turns of months and years come up.
ORIGIN = datetime(2026, 1, 1)
SECONDS = st.integers(-30 * 365 * 86400, 10 * 365 * 86400)
OFFSET = weighted(OFFSETS[:1], OFFSETS[1:])
ONE_IN_SIX = st.integers(0, 5)
DIGITS = st.integers(0, 999_999_999)
LENGTH = st.integers(1, 9)
FRACTION_KIND = st.sampled_from(("none", "any", "repeated", "run-then-other"))
REPEATED = st.sampled_from("09512")
LAST = st.sampled_from("5091")


@st.composite
def fractions(draw: st.DrawFn) -> str:
    """'' or '.' and one to nine digits: any digits, one digit repeated (``.9999999`` rounds up
    into the next second), or a run of one digit ending in another (``.0000005``)."""
    kind = draw(FRACTION_KIND)
    if kind == "none":
        return ""
    length = draw(LENGTH)
    if kind == "any":
        return "." + f"{draw(DIGITS):09d}"[:length]
    digit = draw(REPEATED)
    if kind == "repeated":
        return "." + digit * length
    return "." + digit * (length - 1) + draw(LAST)


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    """An RFC 3339 date-time the contract says a hub must give back as the same instant."""
    offset: str = draw(OFFSET)
    moment = ORIGIN + timedelta(seconds=draw(SECONDS))
    if draw(ONE_IN_SIX) == 5:
        # a leap second: 23:59:60 UTC that day, written in the drawn offset (the local date
        # and time move with it)
        local = datetime(moment.year, moment.month, moment.day, 23, 59)
        local += timedelta(minutes=offset_minutes(offset))
        clock = f"{local:%Y-%m-%dT%H:%M}:60"
    else:
        clock = f"{moment:%Y-%m-%dT%H:%M:%S}"
    if draw(ONE_IN_SIX) == 5:
        clock = clock.replace("T", "t")
    fraction: str = draw(fractions())
    return f"{clock}{fraction}{offset}"


HOST_SETS = weighted((("runner-01",),), ((), ("runner-01", "runner-02"), ("ランナー-01",)))
RECORD_DOMAIN = st.sampled_from(DOMAINS)
NAME = st.sampled_from(NAMES)
FLAGGED = st.sampled_from(("true", "false", "never"))


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """One record as a seed function receives it; flagged true, false, or never (no flag
    fields: a v2 hub must report it false / null). Its host_paths: one runner mostly, none
    (``{}``), or several."""
    domain = draw(RECORD_DOMAIN)
    name = draw(NAME)
    record: dict[str, Any] = {
        "slug": f"{domain}/{name}",
        "domain": domain,
        "host_paths": {host: f"/srv/{host}/{name}" for host in draw(HOST_SETS)},
    }
    flag = draw(FLAGGED)
    if flag != "never":
        record[FLAG] = flag == "true"
        record[STAMP] = draw(timestamps())
    return record


def rosters() -> st.SearchStrategy[list[dict[str, Any]]]:
    """A roster: zero to six records, each slug once (the golden case format's rule)."""
    return st.lists(records(), min_size=0, max_size=6, unique_by=lambda r: str(r["slug"]))


# How a query's domain is drawn from one the roster has: as it is (mostly), or a look-alike a
# loose filter confuses with it.
LOOKALIKES = ("as-is", "upper", "lower", "unaccented", "shorter", "longer")


def lookalike(domain: str, how: str) -> str:
    """``domain`` spelt as ``how`` says: the same string, another case, without its accents,
    without its last character, or with a suffix."""
    if how == "upper":
        return domain.upper()
    if how == "lower":
        return domain.lower()
    if how == "unaccented":
        decomposed = unicodedata.normalize("NFD", domain)
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    if how == "shorter" and len(domain) > 1:
        return domain[:-1]
    if how == "longer":
        return domain + "-labs"
    return domain


LOOKALIKE = weighted(LOOKALIKES[:1], LOOKALIKES[1:])
NEAR = st.integers(0, 4)  # a domain the roster holds four times in five, else any of DOMAINS
HELD = st.integers(0, 5)  # which of the roster's domains (a roster holds at most six)
ANY_DOMAIN = st.sampled_from(DOMAINS)
FLAG_VALUE = st.sampled_from(("true", "false"))
KINDS = {"v2": st.sampled_from(QUERY_KINDS), "v1": st.sampled_from(QUERY_KINDS[:1])}


@st.composite
def queries(draw: st.DrawFn, profile: str, held: tuple[str, ...]) -> Params:
    """A filtered view: a domain (one the roster holds, a look-alike of one, or another), the
    flag (v2), or both in either order."""
    kind = draw(KINDS[profile])
    if held and draw(NEAR) < 4:
        near = held[draw(HELD) % len(held)]
        asked = lookalike(near, draw(LOOKALIKE))
    else:
        asked = draw(ANY_DOMAIN)
    domain = ("domain", asked)
    flag = (FLAG, draw(FLAG_VALUE))
    return {
        "domain": (domain,),
        "flag": (flag,),
        "domain+flag": (domain, flag),
        "flag+domain": (flag, domain),
    }[kind]


def spellings() -> st.SearchStrategy[str]:
    """A flag value other than true and false: another spelling of a boolean, or a value no
    common parser accepts (``fixtures/hub/probes.yml``)."""
    known = probes()
    return st.sampled_from(
        tuple(value for value, _ in known.boolean_spellings) + known.unparseable_flag_values
    )


def case_data(
    records: list[dict[str, Any]], params: Params | None, description: str, profile: str
) -> dict[str, Any]:
    """A ready hub case.yml: the roster seeded and, when a filtered view was wrong, that query
    with exactly the slugs the contract's filter gives (``cases.hub.select``)."""
    queries = []
    if params is not None:
        queries.append({"params": dict(params), "expect": select(records, params)})
    return {
        "description": description,
        "profiles": [profile],
        "records": records,
        "queries": queries,
    }
