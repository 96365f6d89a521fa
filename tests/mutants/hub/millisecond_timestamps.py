"""Keeps timestamps as JavaScript's Date does: to the millisecond, so a finer fraction is lost."""

import re

from mutants.hub._parts import STAMP, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-003",)
MESSAGE = r"edge/nanoseconds: kaizen_schedule_updated_at .* is not the seeded instant"
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]


def to_millis(stamp: str) -> str:
    return re.sub(r"(\.\d{1,3})\d*", r"\1", stamp)


class Hub(MutantHub):
    def rows(self):
        rows = super().rows()
        for row in rows:
            if row.get(STAMP):
                row[STAMP] = to_millis(row[STAMP])
        return rows


app = Hub().asgi
