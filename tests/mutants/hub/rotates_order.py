"""Lists the same repos in another order on every request (an unordered query over a changing plan)."""

import itertools

from mutants.hub._parts import MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-005",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"same records in another order"


class Hub(MutantHub):
    counter = itertools.count()

    def rows(self):
        rows = super().rows()
        if not rows:
            return rows
        shift = next(self.counter) % len(rows)
        return rows[shift:] + rows[:shift]


app = Hub().wsgi
