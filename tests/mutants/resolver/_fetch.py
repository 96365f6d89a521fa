"""Half of the shell-pipeline mutant: print the hub's roster as JSON (exit 1 when the hub fails)."""

import json
import sys

from kaizen_conformance.reference import resolver as ref

if __name__ == "__main__":
    try:
        roster = ref.fetch_roster(sys.argv[1], sys.argv[2] or None, "v2", ref.TIMEOUT_SECONDS)
    except ref.HubError as exc:
        print(f"fetch: {exc}", file=sys.stderr)
        sys.exit(1)
    json.dump(roster, sys.stdout)
