"""A command that reads the empty {domain} argument as a domain named "": every record is filtered out."""

import json
import sys

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-001",)
MESSAGE = r"missing, but should be included"
# Only the cases that prove it, to keep the matrix fast: one process start per case adds up.
OPTIONS = [
    "--kaizen-resolver-cmd=python -m {module} {hub_url} {hostname} {domain}",
    "-k",
    "flag-true-file-valid or mixed-fleet or domain-filter",
]

if __name__ == "__main__":
    hub_url, hostname, domain = sys.argv[1:4]
    try:
        roster = ref.fetch_roster(hub_url, domain or None, "v2", ref.TIMEOUT_SECONDS)
    except ref.HubError as exc:
        print(f"resolver: {exc}", file=sys.stderr)
        sys.exit(1)
    if domain is not None:  # the bug: "" is not None, and no record's domain is ""
        roster = [
            record
            for record in roster
            if isinstance(record, dict) and record.get("domain") == domain
        ]
    print(json.dumps(resolver(fetch=lambda *args: roster)(hub_url, hostname, domain or None)))
