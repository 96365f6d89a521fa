"""Compares domains case-insensitively (SQL LIKE, or a NOCASE column): ?domain=core lists Core."""

from mutants.hub._parts import MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-004",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"which (is|are) not in domain"


class Hub(MutantHub):
    def select(self, rows, params):
        if "domain" in params:
            rows = [r for r in rows if r["domain"].casefold() == params["domain"].casefold()]
        return super().select(rows, {k: v for k, v in params.items() if k != "domain"})


app = Hub().wsgi
