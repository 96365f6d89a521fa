"""Sets no timeout on the hub request: a hub that stops answering hangs it forever."""

import httpx

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-012",)
KIND = "over-limit"  # RES-012: a stalled hub must fail it within the limit
MESSAGE = r"was still running when the limit ran out"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def fetch(hub_url, domain, profile, timeout):
    params = {"kaizen_schedule_enabled": "true", **({"domain": domain} if domain else {})}
    with httpx.Client(timeout=None) as client:
        response = client.get(hub_url.rstrip("/") + "/repos/", params=params)
    response.raise_for_status()
    return response.json()


resolve = resolver(fetch=fetch)
