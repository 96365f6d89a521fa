"""Keeps a record whose domain starts with the one asked for: asked for cust, it keeps custodian."""

from mutants.resolver._parts import resolver

from kaizen_conformance.reference import resolver as ref

ROLE = "resolver"
FINDS = "RES-009"
MESSAGE = r"included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def fetch(hub_url, domain, profile, timeout):
    return [
        record
        for record in ref.fetch_roster(hub_url, domain, profile, timeout)
        if not domain
        or not isinstance(record, dict)
        or str(record.get("domain", "")).startswith(domain)
    ]


resolve = resolver(fetch=fetch, check_domain=False)
