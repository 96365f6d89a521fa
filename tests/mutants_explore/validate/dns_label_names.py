"""Holds agent names to a DNS label's pattern: it refuses a name that ends in a dash (coach-), which the manifest's pattern allows."""

from mutants_explore.validate._wrap import rejecting

ROLE = "validate"
FINDS = "VAL-001"
MESSAGE = r"rejected a valid manifest"
OPTIONS = ["--kaizen-validate={module}:validate"]


def dash_at_end(document):
    for agent in document["agents"]:
        if agent["name"].endswith("-"):
            return f"agent name {agent['name']!r} must end in a letter or a digit"
    return None


validate = rejecting(dash_at_end)
