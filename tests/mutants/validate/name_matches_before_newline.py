"""Matches agent names with Python's ``re.search``, whose ``$`` matches before a final newline.

``"coach\n"`` passes as a name (and beside ``coach`` as a distinct one); JSON Schema patterns
follow ECMA-262, where ``$`` is the end of the string.
"""

import re

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("SCH-001", "VAL-001")
OPTIONS = ["--kaizen-validate={module}:validate", "-k", "name"]

NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")


def check(document):
    if document.get("version") != 1 or type(document.get("version")) is not int:
        raise ValueError("version must be the integer 1")
    agents = document.get("agents")
    if not isinstance(agents, list) or not agents:
        raise ValueError("agents must be a non-empty list")
    for agent in agents:
        if not isinstance(agent, dict) or not NAME.search(str(agent.get("name"))):
            raise ValueError("an agent name does not match")
        if agent.get("cadence") not in ("daily", "weekly", "monthly"):
            raise ValueError("bad cadence")


validate = validator(check=check)
