"""Trusts the hub's domain filter: a hub that ignores ?domain= leaks other domains in."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-009",)
MESSAGE = r"included, but should be excluded: record other-domain"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = resolver(check_domain=False)
