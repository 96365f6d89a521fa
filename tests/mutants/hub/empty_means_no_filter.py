"""Treats ?kaizen_schedule_enabled= (empty) as no filter and lists everything with 200."""

from mutants.hub._parts import FLAG, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-015",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"kaizen_schedule_enabled= answered 200 .* must be refused with 400 or 422"


class Hub(MutantHub):
    def refuse(self, value):
        return None if value == "" else super().refuse(value)

    def select(self, rows, params):
        if params.get(FLAG) == "":
            params = {k: v for k, v in params.items() if k != FLAG}
        return super().select(rows, params)


app = Hub().wsgi
