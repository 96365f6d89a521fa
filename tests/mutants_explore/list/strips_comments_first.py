"""Cuts every ' #' to the end of its line before reading, to drop comments: a '#' inside a quoted or block description is cut too."""

import os
import re

import yaml

from kaizen_conformance.reference import manifest_tools as ref

ROLE = "list"
FINDS = "LST-001"
MESSAGE = r"no list of a valid manifest|description is"
OPTIONS = ["--kaizen-list={module}:list_agents", "--kaizen-allow-incomplete"]
COMMENT = re.compile(r"\s+#.*$", re.MULTILINE)


def list_agents(repo):
    ref.validate(repo)  # an invalid manifest is refused as the reference refuses it
    with open(os.path.join(repo, ".kaizen", "schedule.yml"), encoding="utf-8") as handle:
        document = yaml.safe_load(COMMENT.sub("", handle.read()))
    return [
        {
            "name": agent["name"],
            "cadence": agent["cadence"],
            "enabled": agent.get("enabled", True),
            "description": agent.get("description"),
        }
        for agent in document["agents"]
    ]
