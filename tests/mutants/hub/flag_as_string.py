"""Serialises the flag as the strings "true" / "false" (a text column), not JSON booleans."""

from mutants.hub._parts import FLAG, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-010",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"has kaizen_schedule_enabled \"(true|false)\", not a JSON boolean"


class Hub(MutantHub):
    def render(self, rows, params):
        return super().render([{**r, FLAG: str(r[FLAG]).lower()} for r in rows], params)


app = Hub().asgi
