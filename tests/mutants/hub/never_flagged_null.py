"""Reports a repo never flagged as kaizen_schedule_enabled: null (the column's SQL NULL, no default)."""

from mutants.hub._parts import FLAG, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-010",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"has kaizen_schedule_enabled null, not a JSON boolean"


class Hub(MutantHub):
    def replace(self, records):
        self.never = {r["slug"] for r in records if FLAG not in r}
        super().replace(records)

    def rows(self):
        return [{**r, FLAG: None} if r["slug"] in self.never else r for r in super().rows()]


app = Hub().asgi
