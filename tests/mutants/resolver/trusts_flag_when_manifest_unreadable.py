"""When .kaizen/schedule.yml is there but cannot be read (a directory, a link that leads nowhere),
trusts the hub's flag instead: the repo is included though no valid manifest opts it in."""

import os

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-002", "RES-003")
MESSAGE = r"'custodian/(directory|dangling)' included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "world-manifest-not-a-file"]


def opted_in(path):
    manifest = os.path.join(path, ".kaizen", "schedule.yml")
    if not os.path.lexists(manifest):
        return False
    try:
        with open(manifest, "rb") as handle:
            handle.read()
    except OSError:
        return True  # it is there; the hub flagged the repo, so take the flag's word
    return ref.opted_in(path)


resolve = resolver(opted_in=opted_in)
