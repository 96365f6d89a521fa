"""Returns repos in the hub's order, not ordered by slug."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-018",)
MESSAGE = r"output is not ordered by slug"
OPTIONS = ["--kaizen-resolver={module}:resolve", "--kaizen-strict"]
resolve = resolver(order=lambda slugs: slugs)
