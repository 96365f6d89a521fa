"""Retries a hub that answers 5xx for ever ("it will come back"): the run never fails loudly.

Its HTTP client is urllib, which respx cannot patch: it runs against the loopback hub double.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-011",)
KIND = "over-limit"  # RES-011: a failing hub must fail it loudly, within the limit
MESSAGE = r"was still running when the limit ran out"
OPTIONS = ["--kaizen-resolver={module}:resolve", "--kaizen-hub-double=server"]


def fetch(hub_url, domain, profile, timeout):
    params = {"kaizen_schedule_enabled": "true", **({"domain": domain} if domain else {})}
    url = hub_url.rstrip("/") + "/repos/?" + urllib.parse.urlencode(params)
    while True:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                time.sleep(0.1)
                continue
            raise
        if not isinstance(body, list):
            raise ValueError("the hub did not answer a JSON array")
        return body


resolve = resolver(fetch=fetch)
