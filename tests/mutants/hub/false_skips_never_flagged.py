"""Filters false with WHERE flag = 0: repos never flagged (NULL in the table) are left out,
though the listing reports them false (COALESCE in the SELECT only)."""

from mutants.hub._parts import FLAG, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-013",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"kaizen_schedule_enabled=false is missing ops/never.* — exactly the never-flagged repos"


class Hub(MutantHub):
    def replace(self, records):
        self.never = {r["slug"] for r in records if FLAG not in r}
        super().replace(records)

    def select(self, rows, params):
        rows = super().select(rows, params)
        if params.get(FLAG) == "false":
            rows = [r for r in rows if r["slug"] not in self.never]
        return rows


app = Hub().asgi
