"""Looks for a repeated agent name only between neighbours, as if the agents were sorted: coach, scout, coach passes."""

import itertools

from mutants_explore.validate._wrap import accepting

ROLE = "validate"
FINDS = "VAL-001"
MESSAGE = r"accepted an invalid manifest"
OPTIONS = ["--kaizen-validate={module}:validate"]


def no_neighbours_alike(document):
    names = [agent["name"] for agent in document["agents"]]
    return all(before != after for before, after in itertools.pairwise(names))


validate = accepting("not unique", no_neighbours_alike)
