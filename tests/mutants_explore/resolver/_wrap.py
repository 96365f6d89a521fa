"""Shared piece: the plain resolver of tests/mutants with its output's slugs respelt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mutants.resolver._parts import resolver


def respelling(change: Callable[[str], str]) -> Callable[..., list[dict[str, Any]]]:
    base = resolver()

    def resolve(hub_url: str, hostname: str, domain: str | None = None) -> list[dict[str, Any]]:
        found = base(hub_url, hostname, domain)
        return sorted(({**r, "slug": change(r["slug"])} for r in found), key=lambda r: r["slug"])

    return resolve
