"""Reads a flag spelling through a "disabled" toggle: 0/no/off/False mean true, so it filters inverted."""

from mutants.hub._parts import FLAG, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-015",)
MESSAGE = r"=1 answered 200 with the list kaizen_schedule_enabled=false gives \(inverted\)"
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
INVERTED = {"1": "false", "yes": "false", "on": "false", "0": "true", "no": "true", "off": "true"}


class Hub(MutantHub):
    def refuse(self, value):
        return None if value in INVERTED else super().refuse(value)

    def select(self, rows, params):
        if params.get(FLAG) in INVERTED:
            params = {**params, FLAG: INVERTED[params[FLAG]]}
        return super().select(rows, params)


app = Hub().asgi
