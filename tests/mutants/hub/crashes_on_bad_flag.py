"""Parses the flag with a strict helper that raises: an unparseable value crashes the app (500)."""

from mutants.hub._parts import MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-015",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
KIND = "crashed"  # HUB-015: an unparseable flag must be refused, not crash the app
MESSAGE = r"the app raised KeyError"


def parse_flag(value):
    return {"true": True, "false": False}[value]


class Hub(MutantHub):
    def refuse(self, value):
        parse_flag(value)


app = Hub().asgi
