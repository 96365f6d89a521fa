"""Answers the flag filter from another SELECT that forgets kaizen_schedule_updated_at."""

from mutants.hub._parts import FLAG, STAMP, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-012",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"differs from its unfiltered record: kaizen_schedule_updated_at missing"


class Hub(MutantHub):
    def render(self, rows, params):
        if params.get(FLAG) == "true":
            rows = [{k: v for k, v in r.items() if k != STAMP} for r in rows]
        return super().render(rows, params)


app = Hub().wsgi
