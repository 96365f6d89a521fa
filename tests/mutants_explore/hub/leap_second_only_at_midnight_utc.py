"""Special-cases the leap second as the text 23:59:60 and parses every other timestamp with a
datetime type that has no second 60: a leap second written in another offset (18:59:60-05:00,
the same instant) makes the listing 500. The golden leap second is written in Z."""

from datetime import datetime

from mutants.hub._parts import STAMP, MutantHub, json_reply, reference_seed

ROLE = "hub"
FINDS = "HUB-001"
MESSAGE = r"answered 500"
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
seed = reference_seed


class Hub(MutantHub):
    def render(self, rows, params):
        for row in rows:
            stamp = row.get(STAMP)
            if not stamp or "23:59:60" in stamp:
                continue
            try:
                datetime.fromisoformat(stamp.upper().replace("Z", "+00:00"))
            except ValueError as exc:
                return json_reply({"detail": f"internal server error: {exc}"}, 500)
        return super().render(rows, params)


app = Hub().asgi
