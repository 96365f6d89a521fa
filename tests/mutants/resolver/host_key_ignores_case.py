"""Looks this runner up in host_paths case-insensitively (hostnames are case-insensitive in DNS)."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-007",)
MESSAGE = r"'custodian/(dotted|upper)'.* included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = resolver(
    host_path=lambda record, host: next(
        (path for key, path in record["host_paths"].items() if key.lower().rstrip(".") == host),
        None,
    )
)
