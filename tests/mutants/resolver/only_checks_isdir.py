"""Only checks that the host path is a directory: relative and '..' paths get through."""

import os

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-008",)
MESSAGE = r"included, but should be excluded: host path unusable"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = resolver(usable=lambda path: isinstance(path, str) and os.path.isdir(path))
