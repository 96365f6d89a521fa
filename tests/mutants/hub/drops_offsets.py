"""Stores timestamps by dropping their offset and calling them UTC: a valid date-time, another instant."""

import re

from mutants.hub._parts import STAMP, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-003",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"is not the seeded instant"


class Hub(MutantHub):
    def rows(self):
        rows = super().rows()
        for row in rows:
            if row.get(STAMP):
                row[STAMP] = re.sub(r"(Z|[+-]\d\d:\d\d)$", "Z", row[STAMP])
        return rows


app = Hub().wsgi
