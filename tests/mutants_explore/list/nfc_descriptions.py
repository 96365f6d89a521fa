"""Normalises each description to Unicode NFC: a description written decomposed (Cafe + U+0301) is listed otherwise than the manifest says."""

import unicodedata

from kaizen_conformance.reference import manifest_tools as ref

ROLE = "list"
FINDS = "LST-001"
MESSAGE = r"description is '.*', the manifest says"
OPTIONS = ["--kaizen-list={module}:list_agents", "--kaizen-allow-incomplete"]


def list_agents(repo):
    return [
        {
            **agent,
            "description": agent["description"]
            if agent["description"] is None
            else unicodedata.normalize("NFC", agent["description"]),
        }
        for agent in ref.list_agents(repo)
    ]
