"""Compares domains accent-insensitively (an unaccent() index, a *_ai collation), still
case-sensitively: ?domain=equipe lists équipe. Golden domains differ by case or suffix, never
by an accent alone."""

import unicodedata

from mutants.hub._parts import MutantHub, reference_seed

ROLE = "hub"
FINDS = "HUB-004"
MESSAGE = r"which (is|are) not in domain"
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
seed = reference_seed


def unaccented(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Hub(MutantHub):
    def select(self, rows, params):
        if "domain" in params:
            wanted = unaccented(params["domain"])
            rows = [r for r in rows if unaccented(r["domain"]) == wanted]
        return super().select(rows, {k: v for k, v in params.items() if k != "domain"})


app = Hub().asgi
