"""Counts every read in the record it serves ("reads": n): a GET changes what the next one sees."""

import itertools

from mutants.hub._parts import MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-005",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"differs from the first"


class Hub(MutantHub):
    counter = itertools.count(1)

    def rows(self):
        n = next(self.counter)
        return [{**r, "reads": n} for r in super().rows()]


app = Hub().asgi
