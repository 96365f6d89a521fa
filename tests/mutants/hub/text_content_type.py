"""Serves the roster as text/plain: clients that check the media type refuse it."""

from mutants.hub._parts import MutantHub, Reply, body, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-001",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"Content-Type 'text/plain; charset=utf-8', not application/json"


class Hub(MutantHub):
    def render(self, rows, params):
        return Reply(200, body(rows), "text/plain; charset=utf-8")


app = Hub().wsgi
