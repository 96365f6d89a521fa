"""The unfiltered list joins the schedule table the wrong way round: the repos flagged true are
left out of GET /repos/ (a filtered view still lists them)."""

from mutants.hub._parts import FLAG, MutantHub, json_reply, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-003",)
OPTIONS = [
    "--kaizen-hub-app={module}:app",
    "--kaizen-hub-seed={module}:seed",
    "-k",
    "HUB-003",
]
# the hint says what the missing repos are, not "a default page size?"
MESSAGE = r"missing: .*seeded repos came back; missing exactly the repos flagged true"


class Hub(MutantHub):
    def render(self, rows, params):
        if not params:
            rows = [r for r in rows if r.get(FLAG) is not True]
        return json_reply(rows)


app = Hub().asgi
