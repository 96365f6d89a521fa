"""The hub double: one definition of the mocked state-hub, whatever carries its requests.

``HubDouble.respond`` decides every answer from a case's records and behaviour, and records
each request. Transports only translate that answer: ``respx_transport`` routes httpx
requests to it in-process; ``LoopbackHub`` serves the very same responder over a real socket
on 127.0.0.1 for implementations that are not Python, or whose HTTP client respx cannot
patch. Socket-level faults (a body cut off mid-way, a hang-up, a redirect loop) are
therefore described once, as data, and each transport renders them as faithfully as it can.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

FLAG = "kaizen_schedule_enabled"
FLAG_VALUES = {"true": True, "false": False}
LOOP_PATHS = ("/repos/", "/repos/loop/")
MOVED_PATH = "/repos/moved/"  # where a ``redirect`` fault sends /repos/: it serves the roster
# RFC 9110: a server that answers GET answers HEAD alike, and names both in a 405's Allow.
ALLOWED_METHODS = ("GET", "HEAD")


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
    """An HTTP answer. ``location`` is a path under the hub's base URL (transports make it absolute);
    ``allow`` is the ``Allow`` header of a 405 (RFC 9110 requires one); ``cut_at`` sends only that
    many bytes of ``body`` while announcing all of it, then hangs up."""

    status: int
    body: bytes
    content_type: str = "application/json"
    location: str | None = None
    cut_at: int | None = None
    allow: str | None = None


class Stall:
    """Answer nothing until released (the hub stops answering)."""


class Refuse:
    """Refuse the connection."""


class Disconnect:
    """Accept the request, then hang up without a word of answer."""


Action = Reply | Stall | Refuse | Disconnect


def json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(value, ensure_ascii=False).encode("utf-8"))


def cut_offset(records: Sequence[Any], after_records: int) -> int:
    """Byte offset just after the first ``after_records`` records of ``json_reply(records)``.

    A streaming reader has already handed those records out when the connection drops:
    exactly the partial roster that RES-011 forbids returning.
    """
    whole = len(json_reply(list(records)).body)
    if after_records >= len(records):
        return max(whole - 1, 0)  # everything but the closing bracket
    head = "[" + "".join(json.dumps(r, ensure_ascii=False) + ", " for r in records[:after_records])
    return len(head.encode("utf-8"))


@dataclass
class HubDouble:
    """A hub holding ``records``; ``ignores`` names query parameters it does not understand.

    ``fault`` makes it misbehave (``kind`` is one the resolver-case schema lists): ``status`` answers that
    status; ``not-json`` a page that is not JSON; ``not-array`` JSON that is not an array;
    ``stall`` never answers; ``refuse`` refuses the connection; ``disconnect`` hangs up
    without answering; ``cut-off`` announces the whole roster and sends only the first
    ``after_records`` records; ``redirect`` redirects ``/repos/`` to ``/repos/moved/``, which
    serves the roster (a client that follows redirects by default gets a working answer from
    what the contract counts as a failing hub); ``redirect-loop`` redirects ``/repos/`` and
    ``/repos/loop/`` to each other for ever.

    ``base_path`` is a path the hub's base URL carries (``/state-hub``): the implementation is
    handed the transport's URL with it, and the double serves ``{base_path}/repos/``. Anything
    outside it is another server's path, answered 404, as a real hub behind a prefix would.
    """

    records: list[Any]
    ignores: frozenset[str] = frozenset()
    fault: Mapping[str, Any] | None = None
    base_path: str = ""
    content_type: str = (
        "application/json"  # of the roster's answer: a charset parameter is fine (section 2)
    )
    requests: list[HubRequest] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __getstate__(self) -> dict[str, Any]:
        """What a call's process needs (it pickles, for the zygote): not the kit's lock and event."""
        state = dict(vars(self))
        state.pop("released")
        state.pop("_lock")
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        self.released = threading.Event()
        self._lock = threading.Lock()

    @property
    def fault_kind(self) -> str | None:
        return None if self.fault is None else str(self.fault["kind"])

    def respond(self, method: str, url_or_path: str) -> Action:
        parts = urlsplit(url_or_path)
        path, outside = parts.path, False
        if self.base_path:
            below = path[len(self.base_path) :] if path.startswith(self.base_path) else ""
            outside = not below.startswith("/")
            path = path if outside else below
        request = HubRequest(method.upper(), path, parse_qs(parts.query, keep_blank_values=True))
        with self._lock:
            self.requests.append(request)
        if self.fault is not None:
            return self._located(self._fault_action(request, parts.query))
        if outside:
            return json_reply(
                {
                    "detail": f"not found: {path} (the hub's base URL has the path "
                    f"{self.base_path}: it serves GET {self.base_path}/repos/)"
                },
                404,
            )
        if request.path != "/repos/":
            return json_reply(
                {"detail": f"not found: {request.path} (the hub serves GET /repos/)"}, 404
            )
        if request.method not in ALLOWED_METHODS:
            refusal = json_reply({"detail": f"method {request.method} not allowed"}, 405)
            return Reply(refusal.status, refusal.body, allow=", ".join(ALLOWED_METHODS))
        return self._list(request)  # HEAD: the same answer; transports send no body

    def _located(self, action: Action) -> Action:
        """A redirect's ``Location`` under the base URL's path (transports prefix the origin)."""
        if self.base_path and isinstance(action, Reply) and action.location is not None:
            return replace(action, location=self.base_path + action.location)
        return action

    def _select(self, request: HubRequest) -> list[Any] | Reply:
        selected = list(self.records)
        domain = request.param("domain")
        if domain is not None and "domain" not in self.ignores:
            selected = [r for r in selected if isinstance(r, dict) and r.get("domain") == domain]
        flag = request.param(FLAG)
        if flag is not None and FLAG not in self.ignores:
            if flag not in FLAG_VALUES:
                return json_reply({"detail": f"{FLAG} must be true or false, not {flag!r}"}, 422)
            wanted = FLAG_VALUES[flag]
            selected = [
                r for r in selected if isinstance(r, dict) and (r.get(FLAG) is True) == wanted
            ]
        return selected

    def _list(self, request: HubRequest) -> Reply:
        selected = self._select(request)
        if isinstance(selected, Reply):
            return selected
        return replace(json_reply(selected), content_type=self.content_type)

    def _fault_action(self, request: HubRequest, query: str) -> Action:
        assert self.fault is not None
        kind = self.fault["kind"]
        if kind == "stall":
            return Stall()
        if kind == "refuse":
            return Refuse()
        if kind == "disconnect":
            return Disconnect()
        if kind == "not-json":
            body = self.fault.get("body", "<html><body>502 Bad Gateway</body></html>")
            return Reply(200, body.encode("utf-8"), "text/html; charset=utf-8")
        if kind == "not-array":
            body = self.fault.get("body")
            return (
                json_reply({"repos": self.records})
                if body is None
                else Reply(200, body.encode("utf-8"))
            )
        if kind == "cut-off":
            selected = self._select(request)
            if isinstance(selected, Reply):
                return selected
            whole = json_reply(selected)
            return Reply(
                200,
                whole.body,
                cut_at=cut_offset(selected, int(self.fault.get("after_records", 1))),
            )
        if kind == "redirect":
            if request.path == MOVED_PATH:
                return self._list(request)
            return Reply(
                int(self.fault.get("status", 301)),
                b"",
                "text/plain",
                location=MOVED_PATH + (f"?{query}" if query else ""),
            )
        if kind == "redirect-loop":
            target = LOOP_PATHS[1] if request.path == LOOP_PATHS[0] else LOOP_PATHS[0]
            return Reply(
                int(self.fault.get("status", 302)),
                b"",
                "text/plain",
                location=target + (f"?{query}" if query else ""),
            )
        status = self.fault.get("status", 500)
        body = self.fault.get("body")
        return Reply(
            status,
            body.encode() if body is not None else json.dumps({"detail": "hub failure"}).encode(),
        )

    def release(self) -> None:
        """Let every stalled request go (at the end of a case), so no thread waits forever."""
        self.released.set()
