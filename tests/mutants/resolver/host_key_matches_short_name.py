"""Matches this runner's host_paths key by its short name (the first DNS label), since some runners
report a fully qualified name and others a short one: another host's key is taken for this one's."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-007",)
MESSAGE = r"'custodian/(short|lab|fqdn)'.* included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "world-hostname"]


def short(name):
    return name.split(".", 1)[0]


resolve = resolver(
    host_path=lambda record, host: next(
        (path for key, path in record["host_paths"].items() if short(key) == short(host)),
        None,
    )
)
