"""Pieces of a plain resolver that the mutants recombine, each with one thing wrong."""

from __future__ import annotations

from typing import Any, Callable

from kaizen_conformance.reference import resolver as ref


def resolver(
    profile: str = "v2",
    *,
    fetch: Callable[..., list[Any]] = ref.fetch_roster,
    usable: Callable[[Any], bool] = ref.usable_checkout,
    opted_in: Callable[[str], bool] = ref.opted_in,
    flag_allows: Callable[[dict[str, Any], str], bool | None] = ref.flag_allows,
    host_path: Callable[[dict[str, Any], str], Any] = lambda record, host: record["host_paths"].get(
        host
    ),
    check_domain: bool = True,
    dedupe: bool = True,
    order: Callable[[list[str]], list[str]] = sorted,
    local_path: Callable[[str], str] = lambda path: path,
) -> Callable[..., list[dict[str, str]]]:
    def resolve(hub_url: str, hostname: str, domain: str | None = None) -> list[dict[str, str]]:
        included: list[tuple[str, str]] = []
        for record in fetch(hub_url, domain or None, profile, ref.TIMEOUT_SECONDS):
            if (
                not isinstance(record, dict)
                or not isinstance(record.get("slug"), str)
                or not record["slug"]
            ):
                continue
            if not isinstance(record.get("host_paths"), dict):
                continue
            if dedupe and any(slug == record["slug"] for slug, _ in included):
                continue
            if check_domain and domain and record.get("domain") != domain:
                continue
            if not flag_allows(record, profile):
                continue
            path = host_path(record, hostname)
            if usable(path) and opted_in(path):
                included.append((record["slug"], path))
        paths = dict(included)
        slugs = [slug for slug, _ in included]
        return [{"slug": slug, "local_path": local_path(paths[slug])} for slug in order(slugs)]

    return resolve
