"""Caches each event in .kaizen/cache/ inside the repo it prepares."""

import json
import os

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-006",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def finish(event):
    cache = os.path.join(event["data"]["repo"]["root"], ".kaizen", "cache")
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, f"{event['subject']}.json"), "w", encoding="utf-8") as handle:
        json.dump(event, handle)
    return event


prepare = build(finish=finish)
