"""Falls back to another host's path when this host has none."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-007",)
MESSAGE = r"'custodian/other-host' included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = resolver(
    host_path=lambda record, host: (
        record["host_paths"].get(host) or next(iter(record["host_paths"].values()), None)
    )
)
