"""Trims whitespace around every slug it returns, instead of giving the slug exactly as the hub did."""

from mutants_explore.resolver._wrap import respelling

ROLE = "resolver"
FINDS = "RES-001"
MESSAGE = r"missing, but should be included"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = respelling(str.strip)
