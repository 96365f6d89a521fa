"""Includes a slug as often as the hub lists it."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-014",)
MESSAGE = r"listed more than once: 'custodian/alpha'"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = resolver(dedupe=False, order=lambda slugs: slugs)
