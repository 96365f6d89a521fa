"""Lists a repo once per runner: a SELECT joining repos to host paths, never grouped."""

from mutants.hub._parts import MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-002",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"lists custodian/state-hub \(2 times\)"


class Hub(MutantHub):
    def rows(self):
        return [r for r in super().rows() for _ in range(max(len(r["host_paths"]), 1))]


app = Hub().asgi
