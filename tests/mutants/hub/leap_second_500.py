"""Parses timestamps with a datetime type that has no second 60: a leap second makes the listing 500."""

from datetime import datetime

from mutants.hub._parts import STAMP, MutantHub, json_reply, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-001", "HUB-003")
MESSAGE = r"answered 500"
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]


class Hub(MutantHub):
    def render(self, rows, params):
        try:
            for row in rows:
                if row.get(STAMP):
                    datetime.fromisoformat(row[STAMP].upper().replace("Z", "+00:00"))
        except ValueError as exc:
            return json_reply({"detail": f"internal server error: {exc}"}, 500)
        return super().render(rows, params)


app = Hub().asgi
