"""Reads metrics with a plain json.loads, which takes NaN and Infinity: a metrics file holding
them is not JSON, so it is an error naming the file. The golden bad metrics are an array, a
string, null and truncated JSON."""

import json
import os

from mutants.prepare._parts import prepare as build

from kaizen_conformance.reference import prepare as ref

ROLE = "prepare"
FINDS = "PRE-009"
MESSAGE = r"expected an error \(a missing or invalid schedule.yml, a missing prompt.md, or metrics"
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def metrics(root, real_root, agent):
    relative = f".kaizen/metrics/{agent}.json"
    if not os.path.lexists(os.path.join(root, relative)):
        return None
    _, real = ref._inside(root, real_root, relative)
    with open(real, "rb") as handle:
        data = handle.read()
    try:
        values = json.loads(data.decode("utf-8"))
    except ValueError as exc:
        raise ref.PrepareError(f"{relative} is not a JSON object: {exc}") from None
    if not isinstance(values, dict):
        raise ref.PrepareError(f"{relative} is not a JSON object")
    return {**ref._record(relative, data), "values": values}


prepare = build(metrics=metrics)
