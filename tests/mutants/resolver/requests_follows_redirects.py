"""Asks the hub with requests and its defaults: requests follows redirects (allow_redirects=True)
and raise_for_status() passes every 3xx, so a hub that redirects to a working roster is taken at
its word, where the contract counts any redirect as a failing hub. Run against the loopback
double (--kaizen-hub-double=server): respx patches httpx only."""

import requests

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-011",)
MESSAGE = r"redirect to /repos/moved/.*instead of failing loudly"
OPTIONS = [
    "--kaizen-resolver={module}:resolve",
    "--kaizen-hub-double=server",
    "-k",
    "hub-redirects or flag-true-file-valid",
]


def fetch(hub_url, domain, profile, timeout):
    params = {ref.FLAG: "true", **({"domain": domain} if domain else {})}
    response = requests.get(hub_url.rstrip("/") + "/repos/", params=params, timeout=timeout)
    response.raise_for_status()
    body = response.json()
    if not isinstance(body, list):
        raise ValueError("the hub did not answer a JSON array")
    return body


resolve = resolver(fetch=fetch)
