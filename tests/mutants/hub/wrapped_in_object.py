"""Wraps the list in an object ({"repos": [...]}), as many REST APIs do: not a JSON array."""

from mutants.hub._parts import MutantHub, json_reply, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-001",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"a JSON object, not an array"


class Hub(MutantHub):
    def render(self, rows, params):
        return json_reply({"repos": rows, "count": len(rows)})


app = Hub().asgi
