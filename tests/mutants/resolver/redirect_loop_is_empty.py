"""Follows redirects and reads "too many redirects" as an empty roster: a loop hides the whole fleet."""

import httpx

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-011",)
MESSAGE = r"redirected in a loop\) yet the resolver returned \[\] instead of failing loudly"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def fetch(hub_url, domain, profile, timeout):
    params = {"kaizen_schedule_enabled": "true", **({"domain": domain} if domain else {})}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            response = client.get(hub_url.rstrip("/") + "/repos/", params=params)
    except httpx.TooManyRedirects:
        return []
    if not response.is_success:
        raise ref.HubError(f"hub answered {response.status_code}")
    body = response.json()
    if not isinstance(body, list):
        raise ref.HubError("hub answered JSON that is not an array")
    return body


resolve = resolver(fetch=fetch)
