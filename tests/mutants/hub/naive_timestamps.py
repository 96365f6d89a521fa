"""Prints timestamps without an offset (a naive datetime's isoformat()): no instant at all."""

from datetime import datetime, timezone

from mutants.hub._parts import STAMP, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-011",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"has no offset"


def naive(value):
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)
    return moment.replace(tzinfo=None).isoformat()


class Hub(MutantHub):
    def render(self, rows, params):
        return super().render(
            [{**r, STAMP: naive(r[STAMP]) if r[STAMP] else None} for r in rows], params
        )


app = Hub().wsgi
