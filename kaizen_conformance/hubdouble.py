"""The hub double: one definition of the mocked state-hub, whatever carries its requests.

``HubDouble.respond`` decides every answer from a case's records and behaviour, and records
each request. Transports only translate: ``respx_transport`` routes httpx requests to it
in-process; a loopback server can serve the very same responder on 127.0.0.1 for
implementations that are not Python or do not use httpx.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence
from urllib.parse import parse_qs, urlsplit

FLAG = "kaizen_schedule_enabled"
FLAG_VALUES = {"true": True, "false": False}


@dataclass(frozen=True)
class HubRequest:
    """What the implementation asked: used by the boundary (GET-only) and pre-filter checks."""

    method: str
    path: str
    query: Mapping[str, Sequence[str]]

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"


class Stall:
    """Answer nothing until released (the hub stops answering)."""


class Refuse:
    """Refuse the connection."""


Action = Reply | Stall | Refuse


def json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(value, ensure_ascii=False).encode("utf-8"))


@dataclass
class HubDouble:
    """A hub holding ``records``; ``ignores`` names query parameters it does not understand.

    ``fault`` makes it misbehave: ``status`` (answer that status), ``not-json``,
    ``not-array``, ``stall`` (never answer) or ``refuse`` (connection refused).
    """

    records: list[Any]
    ignores: frozenset[str] = frozenset()
    fault: Mapping[str, Any] | None = None
    requests: list[HubRequest] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def respond(self, method: str, url_or_path: str) -> Action:
        parts = urlsplit(url_or_path)
        request = HubRequest(method.upper(), parts.path, parse_qs(parts.query, keep_blank_values=True))
        with self._lock:
            self.requests.append(request)
        if self.fault is not None:
            return self._fault_action()
        if request.path != "/repos/":
            return json_reply({"detail": f"not found: {request.path} (the hub serves GET /repos/)"}, 404)
        if request.method != "GET":
            return json_reply({"detail": f"method {request.method} not allowed"}, 405)
        return self._list(request)

    def _list(self, request: HubRequest) -> Reply:
        selected = list(self.records)
        domain = request.param("domain")
        if domain is not None and "domain" not in self.ignores:
            selected = [r for r in selected if isinstance(r, dict) and r.get("domain") == domain]
        flag = request.param(FLAG)
        if flag is not None and FLAG not in self.ignores:
            if flag not in FLAG_VALUES:
                return json_reply({"detail": f"{FLAG} must be true or false, not {flag!r}"}, 422)
            wanted = FLAG_VALUES[flag]
            selected = [r for r in selected if isinstance(r, dict) and (r.get(FLAG) is True) == wanted]
        return json_reply(selected)

    def _fault_action(self) -> Action:
        assert self.fault is not None
        kind = self.fault["kind"]
        if kind == "stall":
            return Stall()
        if kind == "refuse":
            return Refuse()
        if kind == "not-json":
            body = self.fault.get("body", "<html><body>502 Bad Gateway</body></html>")
            return Reply(200, body.encode("utf-8"), "text/html; charset=utf-8")
        if kind == "not-array":
            return json_reply({"repos": self.records})
        status = self.fault.get("status", 500)
        body = self.fault.get("body")
        return Reply(status, body.encode() if body is not None else json.dumps({"detail": "hub failure"}).encode())

    def release(self) -> None:
        """Let every stalled request go (at the end of a case), so no thread waits forever."""
        self.released.set()


@contextmanager
def respx_transport(double: HubDouble, base_url: str, stall_limit: float) -> Iterator[Any]:
    """Route every httpx request for ``base_url`` to ``double``; anything else is refused.

    respx replaces httpx's transport, so httpx's own timeouts never fire. A stalled request
    therefore honours the client's configured read timeout (``request.extensions``): a client
    that set one below the kit's limit gets ``httpx.ReadTimeout`` at once, as its transport
    would have raised it then; one without a timeout waits until the case releases it.
    """
    import httpx
    import respx

    def side_effect(request: httpx.Request) -> httpx.Response:
        action = double.respond(request.method, str(request.url))
        if isinstance(action, Refuse):
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if isinstance(action, Stall):
            timeout = (request.extensions.get("timeout") or {}).get("read")
            if timeout is not None and timeout < stall_limit:
                raise httpx.ReadTimeout("timed out (hub double: stalled)", request=request)
            double.released.wait()
            raise httpx.ReadTimeout("hub double released a stalled request", request=request)
        return httpx.Response(action.status, content=action.body, headers={"content-type": action.content_type})

    with respx.mock(assert_all_called=False, assert_all_mocked=True, using="httpx") as router:
        router.route(url__startswith=base_url.rstrip("/")).mock(side_effect=side_effect)
        yield router
