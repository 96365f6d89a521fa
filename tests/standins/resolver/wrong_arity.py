"""A resolver with the wrong arity: every call raises TypeError before it does anything."""

ROLE = "resolver"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = ["--kaizen-resolver={module}:resolve"]


def resolve(hub_url, hostname):
    return []
