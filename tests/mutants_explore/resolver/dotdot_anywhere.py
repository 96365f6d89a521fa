"""Refuses any host path with '..' in it, even inside a name (a checkout called a..b), not only a '..' segment."""

from mutants.resolver._parts import resolver

from kaizen_conformance.reference import resolver as ref

ROLE = "resolver"
FINDS = "RES-001"
MESSAGE = r"missing, but should be included"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = resolver(usable=lambda path: ref.usable_checkout(path) and ".." not in path)
