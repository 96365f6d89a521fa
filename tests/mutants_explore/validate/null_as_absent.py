"""Reads an optional key set to null (enabled: or description: ~) as if it were left out, instead of a value of the wrong type."""

import yaml

from kaizen_conformance.reference import schedule
from mutants_explore.validate._wrap import accepting

ROLE = "validate"
FINDS = "VAL-001"
MESSAGE = r"accepted an invalid manifest"
OPTIONS = ["--kaizen-validate={module}:validate"]
OPTIONAL = ("enabled", "description")


def valid_without_nulls(document):
    agents = [
        {k: v for k, v in agent.items() if not (k in OPTIONAL and v is None)}
        for agent in document["agents"]
    ]
    try:
        schedule.parse_manifest(yaml.safe_dump({**document, "agents": agents}).encode())
    except schedule.ManifestInvalid:
        return False
    return True


validate = accepting("None is not of type", valid_without_nulls)
