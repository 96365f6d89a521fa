"""A v1 hub that does not ignore the flag parameter: it filters by a flag its records do not
have, so ?kaizen_schedule_enabled=true lists nothing -- and a v2 resolver that pre-filters with
the parameter loses the whole fleet instead of falling back to the repo files."""

from mutants.hub._parts import MutantHub, reference_seed

seed = reference_seed
ROLE = "hub"
KILLS = ("HUB-006",)
OPTIONS = [
    "--kaizen-hub-app={module}:app",
    "--kaizen-hub-seed={module}:seed",
    "--kaizen-hub-profile=v1",
]
MESSAGE = r"a v1 hub ignores \?kaizen_schedule_enabled"


class Hub(MutantHub):
    """MutantHub filters by the flag whatever the profile: under v1 that is the mistake."""


app = Hub("v1").asgi
