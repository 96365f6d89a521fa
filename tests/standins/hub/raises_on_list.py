"""A hub app that raises NameError on every GET /repos/: the reference hub otherwise."""

from kaizen_conformance.reference.hub import ReferenceHub
from kaizen_conformance.reference.hub import seed as seed

ROLE = "hub"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]


class Hub(ReferenceHub):
    def answer(self, method, target):
        if target.startswith("/repos/"):
            return undefined_name  # noqa: F821
        return super().answer(method, target)


app = Hub().asgi
