"""Accepts any flag spelling it does not know (yes, on, 1 ...) and then ignores the filter: the whole list."""

from mutants.hub._parts import FLAG, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-015",)
MESSAGE = r"=yes answered 200 with the unfiltered list"
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
SPELLINGS = {"1", "yes", "on", "True", "TRUE", "0", "no", "off", "False", "FALSE"}


class Hub(MutantHub):
    def refuse(self, value):
        return None if value in SPELLINGS else super().refuse(value)

    def select(self, rows, params):
        if params.get(FLAG) in SPELLINGS:
            params = {k: v for k, v in params.items() if k != FLAG}
        return super().select(rows, params)


app = Hub().asgi
