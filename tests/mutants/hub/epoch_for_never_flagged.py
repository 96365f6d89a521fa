"""Gives a repo never flagged the epoch as its timestamp instead of null (a NOT NULL column default)."""

from mutants.hub._parts import FLAG, STAMP, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-011",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"was never flagged .* yet reports \"1970-01-01"


class Hub(MutantHub):
    def replace(self, records):
        super().replace(
            [r if FLAG in r else {**r, FLAG: False, STAMP: "1970-01-01T00:00:00Z"} for r in records]
        )


app = Hub().asgi
