"""What a set of repos a hub left out (or added) has in common, said only where it is exact.

A hint that guesses ("a default page size?" of any short answer) sends a team after the wrong
bug. These look at the set itself: exactly the repos flagged true, exactly the never-flagged
ones, exactly one domain's, every repo, or all but the first N of an order the hub could have
paged in. Where no such pattern holds, there is no hint.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kaizen_conformance.hubdouble.responder import FLAG


def _slug(record: Any) -> str | None:
    slug = record.get("slug") if isinstance(record, Mapping) else None
    return slug if isinstance(slug, str) else None


def _groups(records: Sequence[Any]) -> list[tuple[str, set[str]]]:
    """(what they are, their slugs) for every group a pattern may name, plainest first."""
    every = {s for s in map(_slug, records) if s is not None}
    flag_true = {s for r in records if (s := _slug(r)) and r.get(FLAG) is True}
    never = {s for r in records if (s := _slug(r)) and FLAG not in r}
    set_false = {s for r in records if (s := _slug(r)) and r.get(FLAG) is False}
    groups = [
        ("every repo", every),
        ("exactly the repos flagged true", flag_true),
        (
            "exactly the repos flagged false, the never-flagged ones included",
            set_false | never,
        ),
        (
            "exactly the never-flagged repos (seeded without the flag: they count as false)",
            never,
        ),
        ("exactly the repos flagged false (the never-flagged ones aside)", set_false),
    ]
    by_domain: dict[str, set[str]] = {}
    for record in records:
        slug = _slug(record)
        if slug is not None and isinstance(record.get("domain"), str):
            by_domain.setdefault(record["domain"], set()).add(slug)
    groups += [(f"exactly the repos of domain {domain!r}", s) for domain, s in by_domain.items()]
    return groups


def what_they_are(slugs: Iterable[str], records: Sequence[Any]) -> str:
    """What ``slugs`` are among ``records``, when they are exactly one group ("" otherwise)."""
    wanted = set(slugs)
    if not wanted:
        return ""
    for words, group in _groups(records):
        if wanted == group:
            return words
    return ""


def page_cut(returned: Sequence[str], orders: Mapping[str, Sequence[str]]) -> str:
    """ "the first 100 in slug order" when what came back is a prefix of one of ``orders`` (the
    seeded order, slug order) and shorter than it: what a default page size returns."""
    got = list(dict.fromkeys(returned))
    for name, order in orders.items():
        if 0 < len(got) < len(order) and set(got) == set(order[: len(got)]):
            return f"the first {len(got)} {name}"
    return ""


def missing_hint(missing: Iterable[str], records: Sequence[Any]) -> str:
    """ " — exactly the repos flagged true" for a list that left out a telling group."""
    words = what_they_are(missing, records)
    return f" — {words}" if words else ""
