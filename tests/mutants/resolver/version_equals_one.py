"""Hand-rolled validation with `version == 1`: in Python, True == 1, so `version: true` passes."""

import os
import re

import yaml

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("SCH-001",)
MESSAGE = r"included, but should be excluded"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")


def opted_in(path):
    try:
        with open(os.path.join(path, ".kaizen", "schedule.yml"), "rb") as handle:
            data = handle.read(65537)
        document = yaml.safe_load(data.decode("utf-8"))
    except Exception:
        return False
    if (
        len(data) > 65536
        or not isinstance(document, dict)
        or set(document) != {"version", "agents"}
    ):
        return False
    agents = document["agents"]
    if document["version"] != 1 or not isinstance(agents, list) or not agents:
        return False
    names = [a.get("name") for a in agents if isinstance(a, dict)]
    return len(names) == len(agents) == len(set(names)) and all(
        isinstance(n, str)
        and NAME.match(n)
        and a.get("cadence") in ("daily", "weekly", "monthly")
        and set(a) <= {"name", "cadence", "enabled", "description"}
        and isinstance(a.get("enabled", True), bool)
        and isinstance(a.get("description", ""), str)
        and len(a.get("description", "")) <= 500
        for n, a in zip(names, agents)
    )


resolve = resolver(opted_in=opted_in)
