"""A command whose HTTP request has no timeout: a stalled hub hangs it until the kit kills its process group."""

import json
import sys
import urllib.parse
import urllib.request

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-012",)
KIND = "over-limit"  # RES-012: a stalled hub must fail it within the limit
MESSAGE = r"was still running when the limit ran out"
# Only the cases that prove it, to keep the matrix fast: one process start per case adds up.
OPTIONS = [
    "--kaizen-resolver-cmd=python -m {module} {hub_url} {hostname} {domain}",
    "-k",
    "hub-stalls or flag-true-file-valid",
]


def fetch(hub_url, domain, profile, timeout):
    params = {"kaizen_schedule_enabled": "true", **({"domain": domain} if domain else {})}
    with urllib.request.urlopen(
        hub_url.rstrip("/") + "/repos/?" + urllib.parse.urlencode(params)
    ) as response:
        body = json.loads(response.read())
    if not isinstance(body, list):
        raise ValueError("the hub did not answer a JSON array")
    return body


if __name__ == "__main__":
    print(json.dumps(resolver(fetch=fetch)(sys.argv[1], sys.argv[2], sys.argv[3] or None)))
