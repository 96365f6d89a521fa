"""Claims v1 but half-knows the flag: every record reports kaizen_schedule_enabled false and a
null time, which a v2 resolver reads as "not opted in" -- it excludes the whole fleet instead of
falling back to the repo file, as it does for a v1 hub (RES-006)."""

from mutants.hub._parts import FLAG, STAMP, MutantHub, reference_seed

seed = reference_seed
ROLE = "hub"
KILLS = ("HUB-001",)
OPTIONS = [
    "--kaizen-hub-app={module}:app",
    "--kaizen-hub-seed={module}:seed",
    "--kaizen-hub-profile=v1",
]
MESSAGE = r"a v1 hub's records carry no flag fields"


class Hub(MutantHub):
    def rows(self):
        return [{**r, FLAG: False, STAMP: None} for r in super().rows()]


app = Hub("v1").asgi
