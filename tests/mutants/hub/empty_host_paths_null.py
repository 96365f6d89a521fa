"""Turns a repo with no checkouts into host_paths: null (a LEFT JOIN aggregating nothing)."""

from mutants.hub._parts import MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-003",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"host_paths is null, seeded \{\}"


class Hub(MutantHub):
    def rows(self):
        return [{**r, "host_paths": r["host_paths"] or None} for r in super().rows()]


app = Hub().asgi
