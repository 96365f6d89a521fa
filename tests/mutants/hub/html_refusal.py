"""Refuses an unparseable flag with 400 and the framework's HTML error page, not JSON."""

from mutants.hub._parts import MutantHub, Reply, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-015",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"answered 400 \(text/html\).* the refusal must have a JSON body"


class Hub(MutantHub):
    def refuse(self, value):
        if super().refuse(value) is None:
            return None
        return Reply(
            400, b"<!doctype html><title>400 Bad Request</title><h1>Bad Request</h1>", "text/html"
        )


app = Hub().wsgi
