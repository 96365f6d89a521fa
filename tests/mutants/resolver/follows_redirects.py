"""Asks the hub with httpx configured to follow redirects: a hub that redirects to a working roster
is taken at its word, where the contract counts any redirect as a failing hub."""

import httpx

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-011",)
MESSAGE = r"redirect to /repos/moved/.*instead of failing loudly"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "hub-redirects"]


def fetch(hub_url, domain, profile, timeout):
    params = {ref.FLAG: "true", **({"domain": domain} if domain else {})}
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        response = client.get(hub_url.rstrip("/") + "/repos/", params=params)
    response.raise_for_status()
    body = response.json()
    if not isinstance(body, list):
        raise ValueError("the hub did not answer a JSON array")
    return body


resolve = resolver(fetch=fetch)
