"""Ignores ?kaizen_schedule_enabled= entirely (a v1 hub claiming v2): every repo, whatever the flag."""

from mutants.hub._parts import FLAG, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-012", "HUB-013")
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"which (is|are) not flagged (true|false); it lists every repo: the filter was ignored"


class Hub(MutantHub):
    def select(self, rows, params):
        return super().select(rows, {k: v for k, v in params.items() if k != FLAG})


app = Hub().asgi
