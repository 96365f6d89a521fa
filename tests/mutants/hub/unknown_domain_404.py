"""Answers 404 for a domain it has no repos in, instead of 200 and []."""

from mutants.hub._parts import MutantHub, json_reply, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-004",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"answered 404 .* expected 200"


class Hub(MutantHub):
    def render(self, rows, params):
        if "domain" in params and not rows:
            return json_reply({"detail": f"domain {params['domain']} not found"}, 404)
        return json_reply(rows)


app = Hub().asgi
