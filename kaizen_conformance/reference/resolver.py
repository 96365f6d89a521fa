"""Reference resolver: ``discover_kaizen_scheduled_repos`` (contract section 3).

Which repos take part in kaizen scheduling on this host, and where are they on disk? The
hub's flag is only a pre-filter (v2); a valid ``.kaizen/schedule.yml`` in the checkout is
the decision. Run it as a callable (``resolve_v1`` / ``resolve_v2``) or as a command:
``python -m kaizen_conformance.reference.resolver HUB_URL HOSTNAME [DOMAIN] [--profile v1]``.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import sys
from pathlib import Path, PurePosixPath
from typing import Any, TypeGuard

import httpx

from kaizen_conformance.reference.schedule import ManifestInvalid, load_manifest

FLAG = "kaizen_schedule_enabled"
# RES-012: never wait on the hub without a bound of our own. Kept below the smallest per-call
# limit the kit advises (--kaizen-timeout, 3 s and up), so a stalled hub fails it within the limit.
TIMEOUT_SECONDS = 2.0


class HubError(RuntimeError):
    """The hub could not give a roster: fail loudly, never resolve an empty fleet (RES-011)."""


TLS_CONTEXT = ssl.create_default_context()
"""One verifying TLS context, made at import: building one per request costs ~30 ms of CA
loading, and a cache filled during a call would not outlive it where each call runs in a
process of its own (the kit's isolation)."""


def fetch_roster(hub_url: str, domain: str | None, profile: str, timeout: float) -> list[Any]:
    params = {}
    if domain:
        params["domain"] = domain
    if profile == "v2":
        params[FLAG] = "true"  # RES-017: ask for the pre-filtered list
    url = hub_url.rstrip("/") + "/repos/"
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, verify=TLS_CONTEXT) as client:
            response = client.get(url, params=params)  # RES-015: GET only
    except httpx.HTTPError as exc:
        raise HubError(f"GET {url} failed: {type(exc).__name__}: {exc}") from exc
    if not response.is_success:
        raise HubError(f"GET {url} answered {response.status_code}: {response.text[:200]!r}")
    try:
        body = response.json()
    except ValueError:
        raise HubError(
            f"GET {url} answered a body that is not JSON: {response.text[:200]!r}"
        ) from None
    if not isinstance(body, list):
        raise HubError(f"GET {url} answered JSON that is not an array: {type(body).__name__}")
    return body


def usable_checkout(path: object) -> TypeGuard[str]:
    """RES-008: absolute, no '..' segment, an existing directory."""
    if not isinstance(path, str) or not os.path.isabs(path):
        return False
    if ".." in PurePosixPath(path).parts:
        return False
    return os.path.isdir(path)


def opted_in(path: str) -> bool:
    """The decision: a valid manifest inside the checkout (RES-002, RES-003, RES-016)."""
    try:
        load_manifest(Path(path))
    except (ManifestInvalid, OSError):
        return False
    except Exception:  # noqa: BLE001 - whatever a reader raises, that manifest is invalid, not the roster
        return False
    return True


def flag_allows(record: dict[str, Any], profile: str) -> bool | None:
    """v2 pre-filter: False excludes (RES-004, RES-010); no field means the file decides (RES-006).

    None marks a malformed flag (RES-013). A v1 resolver ignores the flag fields entirely.
    """
    if profile == "v1" or FLAG not in record:
        return True
    flag = record[FLAG]
    if not isinstance(flag, bool):
        return None
    return flag


def resolve(
    hub_url: str,
    hostname: str,
    domain: str | None = None,
    *,
    profile: str = "v2",
    timeout: float = TIMEOUT_SECONDS,
) -> list[dict[str, str]]:
    """The included repos, each ``{"slug", "local_path"}``, ordered by slug (RES-018)."""
    domain = domain or None
    included: dict[str, str] = {}
    for record in fetch_roster(hub_url, domain, profile, timeout):
        if not isinstance(record, dict):
            continue
        slug, host_paths = record.get("slug"), record.get("host_paths")
        if not isinstance(slug, str) or not slug or not isinstance(host_paths, dict):
            continue  # RES-013: skip the malformed record, resolve the others
        if slug in included:
            continue  # RES-014
        if domain is not None and record.get("domain") != domain:
            continue  # RES-009: do not rely on the hub's domain filter
        if not flag_allows(record, profile):
            continue
        local_path = host_paths.get(hostname)  # RES-007: this host's path, never another's
        if not usable_checkout(local_path) or not opted_in(local_path):
            continue
        included[slug] = local_path
    return [{"slug": slug, "local_path": included[slug]} for slug in sorted(included)]


def resolve_v1(hub_url: str, hostname: str, domain: str | None = None) -> list[dict[str, str]]:
    """Profile v1: the repo file decides; hub flags are ignored."""
    return resolve(hub_url, hostname, domain, profile="v1")


def resolve_v2(hub_url: str, hostname: str, domain: str | None = None) -> list[dict[str, str]]:
    """Profile v2: the hub flag pre-filters, the repo file decides."""
    return resolve(hub_url, hostname, domain, profile="v2")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kaizen_conformance.reference.resolver",
        description=__doc__.replace("PYTEST_DONT_REWRITE", "").strip(),
    )
    parser.add_argument("hub_url")
    parser.add_argument("hostname")
    parser.add_argument("domain", nargs="?", default="")
    parser.add_argument(
        "--profile", choices=("v1", "v2"), default=os.environ.get("KAIZEN_PROFILE", "v2")
    )
    args = parser.parse_args(argv)
    try:
        repos = resolve(args.hub_url, args.hostname, args.domain or None, profile=args.profile)
    except HubError as exc:
        print(f"resolver: {exc}", file=sys.stderr)
        return 1
    json.dump(repos, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
