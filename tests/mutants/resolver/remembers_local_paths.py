"""Remembers where each slug is checked out the first time it resolves it: a checkout the hub says
has moved is still reported at its old path."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-019",)
MESSAGE = r"at call 2: 'custodian/alpha': local_path .* is not the hub's path"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "sequence-host-path-moved"]
PATHS = {}
_resolve = resolver()


def resolve(hub_url, hostname, domain=None):
    answer = _resolve(hub_url, hostname, domain)
    for repo in answer:
        repo["local_path"] = PATHS.setdefault(repo["slug"], repo["local_path"])
    return answer
