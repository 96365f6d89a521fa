"""Reads the roster only when the hub's Content-Type is exactly application/json, and takes any
other answer as "nothing scheduled": a hub that adds charset=utf-8 (most frameworks do) schedules
nothing."""

import httpx

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-001",)
MESSAGE = r"'custodian/alpha' missing, but should be included"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "world-hub-json"]


def fetch(hub_url, domain, profile, timeout):
    params = {ref.FLAG: "true", **({"domain": domain} if domain else {})}
    with httpx.Client(timeout=timeout) as client:
        response = client.get(hub_url.rstrip("/") + "/repos/", params=params)
    response.raise_for_status()
    if response.headers.get("content-type") != "application/json":
        return []
    body = response.json()
    if not isinstance(body, list):
        raise ValueError("the hub did not answer a JSON array")
    return body


resolve = resolver(fetch=fetch)
