"""Remembers each slug's flag the first time it sees it: a flag the hub flipped later is ignored."""

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-019",)
MESSAGE = r"the very answer of call 1"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "sequence-flag-flipped"]
FLAGS = {}


def fetch(hub_url, domain, profile, timeout):
    # asks for every record, so that a flag turned on is seen as a record (and then remembered off)
    records = ref.fetch_roster(hub_url, domain, "v1", timeout)
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("slug"), str) and ref.FLAG in record:
            FLAGS.setdefault(record["slug"], record[ref.FLAG])
            record[ref.FLAG] = FLAGS[record["slug"]]
    return records


resolve = resolver(fetch=fetch)
