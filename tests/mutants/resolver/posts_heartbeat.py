"""Posts a heartbeat to the hub before reading the roster: the resolver must only read."""

import httpx

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-015",)
MESSAGE = r"sent requests other than GET to the hub: POST"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def fetch(hub_url, *args):
    with httpx.Client(timeout=5) as client:
        client.post(hub_url.rstrip("/") + "/repos/", json={"heartbeat": True})
    return ref.fetch_roster(hub_url, *args)


resolve = resolver(fetch=fetch)
