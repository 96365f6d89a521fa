"""Reference hub: state-hub's ``GET /repos/`` (contract section 2), as an ASGI and a WSGI app.

Every answer comes from the hub double's responder (``HubDouble.respond``: the exact domain
filter, the flag filter with a 422 for an unparseable value, JSON everywhere). On top of it
the reference keeps its data the way a real hub does:

- v2: a repo never flagged reports ``kaizen_schedule_enabled: false`` and
  ``kaizen_schedule_updated_at: null`` (HUB-010, HUB-011), so ``?kaizen_schedule_enabled=false``
  lists it (HUB-013);
- v1: the hub knows no flag: it drops the flag fields and ignores the flag filter;
- the roster is replaced whole by ``seed`` and copied, so nothing a caller keeps can change it.

Use it in-process (``app`` / ``wsgi_app``, or ``app_v1`` / ``wsgi_app_v1``) with ``seed`` as
the seed function; ``serve`` runs it on 127.0.0.1 for clients that need a URL, and
``python -m kaizen_conformance.reference.hub --port 8000 [--records roster.json]`` runs one.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socketserver
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from kaizen_conformance.hubdouble.responder import FLAG, Action, HubDouble, Reply, Stall

_KNOWN = {status.value for status in HTTPStatus}

STAMP = "kaizen_schedule_updated_at"
REQUEST_HISTORY = 1000  # the double records requests; a long-lived hub keeps only the latest


class RosterError(ValueError):
    """Seed data that no hub could store: says which record and what is wrong."""


def _check_record(index: int, record: Any, profile: str) -> None:
    where = f"record {index}"
    if not isinstance(record, Mapping):
        raise RosterError(f"{where} is a {type(record).__name__}, not a mapping")
    if not isinstance(record.get("slug"), str) or not record["slug"]:
        raise RosterError(f"{where} has no slug (a non-empty string)")
    where = f"record {index} ({record['slug']})"
    if not isinstance(record.get("domain"), str):
        raise RosterError(f"{where} has no domain (a string)")
    paths = record.get("host_paths")
    if not isinstance(paths, Mapping) or not all(isinstance(v, str) for v in paths.values()):
        raise RosterError(f"{where}: host_paths must map hostnames to path strings")
    if profile == "v2":
        if FLAG in record and not isinstance(record[FLAG], bool):
            raise RosterError(f"{where}: {FLAG} must be a boolean")
        if record.get(STAMP) is not None and not isinstance(record[STAMP], str):
            raise RosterError(f"{where}: {STAMP} must be a date-time string or null")


def stored(records: Iterable[Any], profile: str) -> list[dict[str, Any]]:
    """The roster as this hub keeps it: checked, copied, and completed per profile."""
    roster: list[dict[str, Any]] = []
    slugs: set[str] = set()
    for index, record in enumerate(records):
        _check_record(index, record, profile)
        if record["slug"] in slugs:
            raise RosterError(f"record {index}: slug {record['slug']!r} is given twice")
        slugs.add(record["slug"])
        kept: dict[str, Any] = json.loads(json.dumps(dict(record)))
        if profile == "v2":
            kept.setdefault(FLAG, False)  # never flagged reports false ...
            kept.setdefault(STAMP, None)  # ... and no time
        else:
            kept.pop(FLAG, None)
            kept.pop(STAMP, None)
        roster.append(kept)
    return roster


class ReferenceHub:
    """One hub's roster, served as ``GET /repos/`` through the hub double's responder."""

    def __init__(
        self,
        profile: str = "v2",
        records: Iterable[Any] = (),
        fault: Mapping[str, Any] | None = None,
    ) -> None:
        if profile not in ("v1", "v2"):
            raise ValueError(f"profile {profile!r}: choose v1 or v2")
        self.profile = profile
        self.fault = fault
        self._lock = threading.Lock()
        self._double = self._new_double([])
        self.replace(records)
        self.asgi = AsgiApp(self)
        self.wsgi = WsgiApp(self)

    def _new_double(self, roster: list[dict[str, Any]]) -> HubDouble:
        ignores = frozenset({FLAG}) if self.profile == "v1" else frozenset()
        return HubDouble(roster, ignores=ignores, fault=self.fault)

    def replace(self, records: Iterable[Any]) -> None:
        """Make ``records`` the whole roster (the seed function's job)."""
        double = self._new_double(stored(records, self.profile))
        with self._lock:
            self._double = double

    def records(self) -> list[dict[str, Any]]:
        with self._lock:
            copied: list[dict[str, Any]] = json.loads(json.dumps(self._double.records))
        return copied

    @property
    def double(self) -> HubDouble:
        with self._lock:
            return self._double

    def answer(self, method: str, target: str) -> Action:
        """The action for one request; ``target`` is the percent-encoded path and query."""
        double = self.double
        action = double.respond(method, target)
        if len(double.requests) > REQUEST_HISTORY:
            del double.requests[: REQUEST_HISTORY // 2]
        return action


def _headers(reply: Reply) -> list[tuple[str, str]]:
    headers = [("content-type", reply.content_type), ("content-length", str(len(reply.body)))]
    location = getattr(reply, "location", None)
    if location:
        headers.append(("location", location))
    if reply.allow:
        headers.append(("allow", reply.allow))
    return headers


def _body(reply: Reply, method: str) -> bytes:
    """The bytes sent: none for HEAD (the headers are GET's); else all of them, unless the double
    cuts the body off (announcing it whole)."""
    if method.upper() == "HEAD":
        return b""
    cut_at = getattr(reply, "cut_at", None)
    return reply.body if cut_at is None else reply.body[:cut_at]


def _hangs_up(action: object) -> bool:
    """Refuse and Disconnect: an app cannot refuse a connection, so it breaks off the exchange."""
    return not isinstance(action, (Reply, Stall))


class AsgiApp:
    """The hub as an ASGI 3 app (with a lifespan that has nothing to do)."""

    def __init__(self, hub: ReferenceHub) -> None:
        self.hub = hub

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            raise ValueError(f"the reference hub serves HTTP only, not {scope['type']}")
        raw = scope.get("raw_path")
        path = raw.decode("latin-1") if raw else quote(scope["path"])
        query = scope.get("query_string", b"").decode("latin-1")
        action = self.hub.answer(scope["method"], path + (f"?{query}" if query else ""))
        if isinstance(action, Stall):
            while not self.hub.double.released.is_set():
                await asyncio.sleep(0.05)
            action = Reply(503, b'{"detail": "released"}')
        if _hangs_up(action):
            raise ConnectionResetError(
                f"the reference hub was told to {type(action).__name__.lower()} this request"
            )
        assert isinstance(action, Reply)
        await send(
            {
                "type": "http.response.start",
                "status": action.status,
                "headers": [
                    (k.encode("latin-1"), v.encode("latin-1")) for k, v in _headers(action)
                ],
            }
        )
        await send({"type": "http.response.body", "body": _body(action, scope["method"])})


class WsgiApp:
    """The hub as a WSGI app."""

    def __init__(self, hub: ReferenceHub) -> None:
        self.hub = hub

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        path = quote(environ.get("PATH_INFO", "").encode("latin-1"))
        query = environ.get("QUERY_STRING", "")
        action = self.hub.answer(environ["REQUEST_METHOD"], path + (f"?{query}" if query else ""))
        if isinstance(action, Stall):
            self.hub.double.released.wait()
            action = Reply(503, b'{"detail": "released"}')
        if _hangs_up(action):
            raise ConnectionResetError(
                f"the reference hub was told to {type(action).__name__.lower()} this request"
            )
        assert isinstance(action, Reply)
        start_response(
            f"{action.status} {HTTPStatus(action.status).phrase if action.status in _KNOWN else 'Status'}",
            _headers(action),
        )
        return [_body(action, environ["REQUEST_METHOD"])]


hub = ReferenceHub("v2")
app = hub.asgi
wsgi_app = hub.wsgi
hub_v1 = ReferenceHub("v1")
app_v1 = hub_v1.asgi
wsgi_app_v1 = hub_v1.wsgi

SERVED: dict[str, ReferenceHub] = {}  # base URL -> hub, for seeding a hub served by ``serve``


def seed(app_or_url: Any, records: list[Any]) -> None:
    """The seed function (``--kaizen-hub-seed=kaizen_conformance.reference.hub:seed``)."""
    if isinstance(app_or_url, str):
        target = SERVED.get(app_or_url.rstrip("/"))
        if target is None:
            raise LookupError(
                f"no reference hub is served at {app_or_url} by this process (see serve())"
            )
    else:
        target = getattr(app_or_url, "hub", None)
        if not isinstance(target, ReferenceHub):
            raise TypeError(f"{type(app_or_url).__name__} is not an app of a reference hub")
    target.replace(records)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = False


@contextmanager
def serve(target: ReferenceHub | None = None, port: int = 0) -> Iterator[str]:
    """Serve a reference hub on 127.0.0.1 (an ephemeral port by default); yields its base URL."""
    chosen = target or hub
    server = make_server(
        "127.0.0.1", port, chosen.wsgi, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"reference-hub {url}",
        daemon=True,
    )
    SERVED[url] = chosen
    thread.start()
    try:
        yield url
    finally:
        SERVED.pop(url, None)
        chosen.double.release()
        server.shutdown()
        server.server_close()
        thread.join(5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kaizen_conformance.reference.hub",
        description=__doc__.replace("PYTEST_DONT_REWRITE", "").strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--profile", choices=("v1", "v2"), default="v2")
    parser.add_argument("--records", help="a JSON file holding the roster (an array of records)")
    args = parser.parse_args(argv)
    served = ReferenceHub(args.profile)
    if args.records:
        with open(args.records, encoding="utf-8") as handle:
            try:
                served.replace(json.load(handle))
            except (ValueError, RosterError) as exc:
                print(f"{args.records}: {exc}", file=sys.stderr)
                return 2
    with serve(served, args.port) as url:
        print(f"reference hub ({args.profile}) at {url}/repos/ - Ctrl-C stops it", file=sys.stderr)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
