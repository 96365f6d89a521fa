"""Filters domains with LIKE 'X%': ?domain=core also lists core-tools."""

from mutants.hub._parts import MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-004",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"lists core-tools/\S+, which is not in domain 'core' — exactly the repos of domain 'core-tools'"


class Hub(MutantHub):
    def select(self, rows, params):
        if "domain" in params:
            rows = [r for r in rows if r["domain"].startswith(params["domain"])]
        return super().select(rows, {k: v for k, v in params.items() if k != "domain"})


app = Hub().asgi
