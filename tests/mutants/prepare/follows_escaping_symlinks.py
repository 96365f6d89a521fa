"""Never checks where a file resolves: follows symlinks out of the repo and reads their targets."""

import json
import os

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-004",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def read(root, relative):
    with open(os.path.join(root, relative), "rb") as handle:
        return handle.read()


def prompt(root, real_root, agent):
    relative = f".kaizen/agents/{agent}/prompt.md"
    try:
        return ref._record(relative, read(root, relative))
    except FileNotFoundError:
        raise ref.PrepareError(f"{relative} is missing") from None


def memory(root, real_root, agent):
    directory = f".kaizen/agents/{agent}/memory"
    if not os.path.isdir(os.path.join(root, directory)):
        return []
    names = sorted(n for n in os.listdir(os.path.join(root, directory)) if n.endswith(".md"))
    return [
        ref._record(f"{directory}/{n}", read(root, f"{directory}/{n}"))
        for n in names
        if os.path.isfile(os.path.join(root, directory, n))
    ]


def metrics(root, real_root, agent):
    relative = f".kaizen/metrics/{agent}.json"
    if not os.path.exists(os.path.join(root, relative)):
        return None
    data = read(root, relative)
    values = json.loads(data)
    if not isinstance(values, dict):
        raise ref.PrepareError(f"{relative} is not a JSON object")
    return {**ref._record(relative, data), "values": values}


prepare = build(prompt=prompt, memory=memory, metrics=metrics)
