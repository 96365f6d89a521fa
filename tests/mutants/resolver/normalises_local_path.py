"""Returns the canonical (resolved) path instead of the host path exactly as the hub gave it."""

import os

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-001",)
MESSAGE = r"is not the hub's path for"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = resolver(local_path=os.path.realpath)
