"""Joins the roster's path onto the hub's URL with urljoin: a base URL with a path
(http://hub/state-hub) loses its last segment, and the resolver asks another server's /repos/."""

from urllib.parse import urljoin

from mutants.resolver._parts import resolver

from kaizen_conformance.reference import resolver as ref

ROLE = "resolver"
FINDS = "RES-001"
MESSAGE = r"404|not found"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def fetch(hub_url, domain, profile, timeout):
    # urljoin("http://hub/state-hub", "repos/") is http://hub/repos/
    return ref.fetch_roster(
        urljoin(hub_url, "repos/").removesuffix("/repos/"), domain, profile, timeout
    )


resolve = resolver(fetch=fetch)
