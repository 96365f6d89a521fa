"""Reads the flag as value == "true": "maybe" silently means false and answers 200."""

from mutants.hub._parts import FLAG, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-015",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"=maybe answered 200 .* must be refused with 400 or 422"


class Hub(MutantHub):
    def refuse(self, value):
        return None

    def select(self, rows, params):
        if FLAG in params:
            params = {**params, FLAG: "true" if params[FLAG] == "true" else "false"}
        return super().select(rows, params)


app = Hub().asgi
