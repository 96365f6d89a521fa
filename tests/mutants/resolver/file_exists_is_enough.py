"""Any .kaizen/schedule.yml opts in: the manifest is never validated."""

import os

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("SCH-001", "RES-003")
MESSAGE = r"included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = resolver(
    opted_in=lambda path: os.path.exists(os.path.join(path, ".kaizen", "schedule.yml"))
)
