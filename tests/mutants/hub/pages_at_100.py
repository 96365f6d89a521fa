"""Pages the listing by default (limit=100): a large fleet silently loses repos."""

from mutants.hub._parts import MutantHub, json_reply, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-003",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
# what came back is a page, and the hint says which: not a guess from any short answer
MESSAGE = r"100 of 150 seeded repos came back; what came back is the first 100 seeded"


class Hub(MutantHub):
    def render(self, rows, params):
        return json_reply(rows[:100])


app = Hub().asgi
