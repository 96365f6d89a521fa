"""Treats ?domain= (an empty value) as no domain filter and lists every repo: a resolver that
reads an empty {domain} as a domain then sees the whole fleet instead of none."""

from mutants.hub._parts import MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-004",)
OPTIONS = [
    "--kaizen-hub-app={module}:app",
    "--kaizen-hub-seed={module}:seed",
    "-k",
    "similar-domains",
]
MESSAGE = r"domain= lists .*it lists every repo: the filter was ignored"


class Hub(MutantHub):
    def select(self, rows, params):
        if params.get("domain") == "":
            params = {name: value for name, value in params.items() if name != "domain"}
        return super().select(rows, params)


app = Hub().asgi
