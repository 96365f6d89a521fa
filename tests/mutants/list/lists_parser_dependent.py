"""Lists a parser-dependent manifest as its own YAML parser reads it, where validate rejects it."""

from pathlib import Path

import yaml

from kaizen_conformance.reference import schedule as ref
from mutants.list._parts import VALIDATE

ROLE = "list"
KILLS = ("LST-004",)
MESSAGE = r"list succeeded where validate rejects the manifest"
OPTIONS = [
    "--kaizen-list={module}:list_agents",
    VALIDATE,
    "-k",
    "LST-004 and (version-float or yes-as-boolean or minimal)",
]


def list_agents(repo):
    with ref.manifest_path(Path(repo)).open("rb") as handle:
        data = handle.read(ref.MAX_BYTES + 1)
    try:
        document = ref.parse_manifest(data)
    except ref.ManifestParserDependent:
        document = yaml.safe_load(data)  # one parser's reading, taken as the meaning
    except ref.ManifestInvalid as exc:
        raise ValueError(f"{repo}/.kaizen/schedule.yml: {exc}") from None
    return [
        {
            "name": agent["name"],
            "cadence": agent["cadence"],
            "enabled": agent.get("enabled", True),
            "description": agent.get("description"),
        }
        for agent in document["agents"]
    ]
