"""Reads the roster as a stream and keeps the records that arrived before the hub hung up.

A partial roster is returned as if it were the fleet. Its client is http.client (respx
cannot patch it), so it runs against the loopback hub double.
"""

import http.client
import json
import urllib.parse

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-011",)
MESSAGE = r"hung up in the middle of the body.*instead of failing loudly"
OPTIONS = ["--kaizen-resolver={module}:resolve", "--kaizen-hub-double=server"]


def records_in(text):
    """Every whole record of a JSON array, even when the array is cut short."""
    decoder, records, at = json.JSONDecoder(), [], text.find("[") + 1
    while at > 0:
        while at < len(text) and text[at] in " ,\n\t":
            at += 1
        try:
            record, at = decoder.raw_decode(text, at)
        except ValueError:
            break
        records.append(record)
    return records


def fetch(hub_url, domain, profile, timeout):
    parts = urllib.parse.urlsplit(hub_url)
    query = urllib.parse.urlencode(
        {"kaizen_schedule_enabled": "true", **({"domain": domain} if domain else {})}
    )
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", parts.path.rstrip("/") + "/repos/?" + query)
        response = connection.getresponse()
        if response.status != 200:
            raise ref.HubError(f"hub answered {response.status}")
        try:
            body = response.read()
        except http.client.IncompleteRead as exc:
            body = exc.partial
    finally:
        connection.close()
    text = body.decode("utf-8")
    if not text.lstrip().startswith("["):
        raise ref.HubError("hub answered something that is not a JSON array")
    return records_in(text)


resolve = resolver(fetch=fetch)
