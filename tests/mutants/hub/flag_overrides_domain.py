"""Applies one filter only (if flag ... elif domain ...): with both, the domain is ignored."""

from mutants.hub._parts import FLAG, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-014",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"which (is|are) not flagged \w+ in domain"


class Hub(MutantHub):
    def select(self, rows, params):
        if FLAG in params:
            return super().select(rows, {FLAG: params[FLAG]})
        return super().select(rows, params)


app = Hub().wsgi
