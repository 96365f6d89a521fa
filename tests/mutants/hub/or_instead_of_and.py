"""Combines the filters with OR: ?kaizen_schedule_enabled=true&domain=X lists X's unflagged repos too."""

from mutants.hub._parts import FLAG, MutantHub, reference_seed

seed = reference_seed  # the reference hub's seed function seeds every MutantHub
ROLE = "hub"
KILLS = ("HUB-014",)
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
MESSAGE = r"which are not flagged false in domain 'ops'"


class Hub(MutantHub):
    def select(self, rows, params):
        if "domain" in params and FLAG in params:
            by_domain = super().select(rows, {"domain": params["domain"]})
            by_flag = super().select(rows, {FLAG: params[FLAG]})
            return [r for r in rows if r in by_domain or r in by_flag]
        return super().select(rows, params)


app = Hub().asgi
