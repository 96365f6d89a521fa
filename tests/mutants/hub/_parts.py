"""The reference hub taken apart: a mutant replaces one step with the bug a real hub could have.

``MutantHub.answer`` lists ``/repos/`` in four steps a mutant may override: ``rows`` (what the
store holds), ``refuse`` (reading the flag value), ``select`` (filtering) and ``render`` (the
response). Everything else is the reference hub, so each mutant breaks one thing only.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kaizen_conformance.hubdouble.responder import FLAG, Reply, json_reply
from kaizen_conformance.reference.hub import STAMP, ReferenceHub
from kaizen_conformance.reference.hub import seed as reference_seed

__all__ = ["FLAG", "STAMP", "MutantHub", "Reply", "json_reply", "reference_seed"]


class MutantHub(ReferenceHub):
    def answer(self, method: str, target: str) -> Any:
        parts = urlsplit(target)
        if parts.path != "/repos/" or method != "GET":
            return super().answer(method, target)
        params = {
            name: values[-1]
            for name, values in parse_qs(parts.query, keep_blank_values=True).items()
        }
        if FLAG in params:
            refusal = self.refuse(params[FLAG])
            if refusal is not None:
                return refusal
        return self.render(self.select(self.rows(), params), params)

    def rows(self) -> list[dict[str, Any]]:
        return self.records()

    def refuse(self, value: str) -> Reply | None:
        if value in ("true", "false"):
            return None
        return json_reply({"detail": f"{FLAG} must be true or false, not {value!r}"}, 422)

    def select(self, rows: list[dict[str, Any]], params: dict[str, str]) -> list[dict[str, Any]]:
        if "domain" in params:
            rows = [r for r in rows if r["domain"] == params["domain"]]
        if FLAG in params:
            rows = [r for r in rows if (r.get(FLAG) is True) == (params[FLAG] == "true")]
        return rows

    def render(self, rows: list[dict[str, Any]], params: dict[str, str]) -> Reply:
        return json_reply(rows)


def body(rows: Any) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")
