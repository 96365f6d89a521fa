"""Stores a leap second as the following second, but drops its fraction on the way:
23:59:60.9Z comes back as 00:00:00Z, 0.9 s off."""

from mutants.hub._parts import STAMP, MutantHub, json_reply, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-003",)
OPTIONS = [
    "--kaizen-hub-app={module}:app",
    "--kaizen-hub-seed={module}:seed",
    "-k",
    "leap-second-fraction",
]
MESSAGE = r"is not the seeded instant '2016-12-31T23:59:60.9Z' \(-0.9 s"


class Hub(MutantHub):
    def render(self, rows, params):
        fixed = []
        for row in rows:
            stamp = row.get(STAMP)
            if isinstance(stamp, str) and stamp == "2016-12-31T23:59:60.9Z":
                row = {**row, STAMP: "2017-01-01T00:00:00Z"}
            fixed.append(row)
        return json_reply(fixed)


app = Hub().asgi
