"""A command that logs its progress on stdout, before the JSON array: stdout is no longer one JSON document."""

import json
import sys

from kaizen_conformance.reference import resolver as ref

ROLE = "resolver"
KILLS = ("RES-001",)
MESSAGE = r"stdout is not one JSON document"
# Only the cases that prove it, to keep the matrix fast: one process start per case adds up.
OPTIONS = [
    "--kaizen-resolver-cmd=python -m {module} {hub_url} {hostname} {domain}",
    "-k",
    "flag-true-file-valid or mixed-fleet or hub-500",
]

if __name__ == "__main__":
    hub_url, hostname, domain = sys.argv[1], sys.argv[2], sys.argv[3] or None
    print(f"INFO resolving kaizen repos of {hostname} from {hub_url}")
    try:
        repos = ref.resolve(hub_url, hostname, domain)
    except ref.HubError as exc:
        print(f"ERROR {exc}")
        sys.exit(1)
    print(f"INFO {len(repos)} repos scheduled")
    print(json.dumps(repos))
