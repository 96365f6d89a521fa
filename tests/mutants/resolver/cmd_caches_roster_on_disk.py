"""A command that keeps the hub's roster in a cache file keyed by the hub URL (outside every
checkout, so it changes none): its next run, minutes later under cron, answers the old roster."""

import hashlib
import json
import os
import sys
import tempfile

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-019",)
MESSAGE = r"the very answer of call 1"
OPTIONS = [
    "--kaizen-resolver-cmd=python -m {module} {hub_url} {hostname} {domain}",
    "-k",
    "sequence-repo-added or sequence-flag-flipped",
]


def cache_file(hub_url, domain, profile):
    key = hashlib.sha256(f"{hub_url} {domain} {profile}".encode()).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"kaizen-roster-{key}.json")


def fetch(hub_url, domain, profile, timeout):
    path = cache_file(hub_url, domain, profile)
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError:
        roster = ref.fetch_roster(hub_url, domain, profile, timeout)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(roster, handle)
        return roster


if __name__ == "__main__":
    decide = resolver(fetch=fetch)
    print(json.dumps(decide(sys.argv[1], sys.argv[2], sys.argv[3] or None)))
