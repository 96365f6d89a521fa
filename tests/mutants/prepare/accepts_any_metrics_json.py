"""Takes whatever JSON the metrics file holds, and no metrics when it does not parse."""

import json
import os

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-009",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def metrics(root, real_root, agent):
    relative = f".kaizen/metrics/{agent}.json"
    path = os.path.join(root, relative)
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        values = json.loads(data)
    except ValueError:
        return None
    return {**ref._record(relative, data), "values": values}


prepare = build(metrics=metrics)
