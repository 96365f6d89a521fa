"""Lower-cases every slug it returns (slugs are case-sensitive: Custodian/Alpha is not custodian/alpha)."""

from mutants_explore.resolver._wrap import respelling

ROLE = "resolver"
FINDS = "RES-001"
MESSAGE = r"missing, but should be included"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = respelling(str.lower)
