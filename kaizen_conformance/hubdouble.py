"""The hub double: one definition of the mocked state-hub, whatever carries its requests.

``HubDouble.respond`` decides every answer from a case's records and behaviour, and records
each request. Transports only translate that answer: ``respx_transport`` routes httpx
requests to it in-process; ``LoopbackHub`` serves the very same responder over a real socket
on 127.0.0.1 for implementations that are not Python, or whose HTTP client respx cannot
patch. Socket-level faults (a body cut off mid-way, a hang-up, a redirect loop) are
therefore described once, as data, and each transport renders them as faithfully as it can.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator, Mapping, Sequence
from urllib.parse import parse_qs, urlsplit

FLAG = "kaizen_schedule_enabled"
FLAG_VALUES = {"true": True, "false": False}
# Fault kinds a case may declare (contract/schemas/resolver-case.schema.json lists the same).
FAULT_KINDS = ("status", "not-json", "not-array", "stall", "refuse", "disconnect", "cut-off", "redirect-loop")
LOOP_PATHS = ("/repos/", "/repos/loop/")


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
    ``cut_at`` sends only that many bytes of ``body`` while announcing all of it, then hangs up."""

    status: int
    body: bytes
    content_type: str = "application/json"
    location: str | None = None
    cut_at: int | None = None


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

    ``fault`` makes it misbehave (``kind`` is one of FAULT_KINDS): ``status`` answers that
    status; ``not-json`` a page that is not JSON; ``not-array`` JSON that is not an array;
    ``stall`` never answers; ``refuse`` refuses the connection; ``disconnect`` hangs up
    without answering; ``cut-off`` announces the whole roster and sends only the first
    ``after_records`` records; ``redirect-loop`` redirects ``/repos/`` and
    ``/repos/loop/`` to each other for ever.
    """

    records: list[Any]
    ignores: frozenset[str] = frozenset()
    fault: Mapping[str, Any] | None = None
    requests: list[HubRequest] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def fault_kind(self) -> str | None:
        return None if self.fault is None else str(self.fault["kind"])

    def respond(self, method: str, url_or_path: str) -> Action:
        parts = urlsplit(url_or_path)
        request = HubRequest(method.upper(), parts.path, parse_qs(parts.query, keep_blank_values=True))
        with self._lock:
            self.requests.append(request)
        if self.fault is not None:
            return self._fault_action(request, parts.query)
        if request.path != "/repos/":
            return json_reply({"detail": f"not found: {request.path} (the hub serves GET /repos/)"}, 404)
        if request.method != "GET":
            return json_reply({"detail": f"method {request.method} not allowed"}, 405)
        return self._list(request)

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
            selected = [r for r in selected if isinstance(r, dict) and (r.get(FLAG) is True) == wanted]
        return selected

    def _list(self, request: HubRequest) -> Reply:
        selected = self._select(request)
        return selected if isinstance(selected, Reply) else json_reply(selected)

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
            return json_reply({"repos": self.records}) if body is None else Reply(200, body.encode("utf-8"))
        if kind == "cut-off":
            selected = self._select(request)
            if isinstance(selected, Reply):
                return selected
            whole = json_reply(selected)
            return Reply(200, whole.body, cut_at=cut_offset(selected, int(self.fault.get("after_records", 1))))
        if kind == "redirect-loop":
            target = LOOP_PATHS[1] if request.path == LOOP_PATHS[0] else LOOP_PATHS[0]
            return Reply(int(self.fault.get("status", 302)), b"", "text/plain",
                         location=target + (f"?{query}" if query else ""))
        status = self.fault.get("status", 500)
        body = self.fault.get("body")
        return Reply(status, body.encode() if body is not None else json.dumps({"detail": "hub failure"}).encode())

    def release(self) -> None:
        """Let every stalled request go (at the end of a case), so no thread waits forever."""
        self.released.set()


# --------------------------------------------------------------------------- respx (in-process)


def truncated_stream(part: bytes, whole: int) -> Any:
    """An httpx response body that delivers ``part`` and then fails as a dropped connection does."""
    import httpx

    class TruncatedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
        def _error(self) -> Exception:
            return httpx.RemoteProtocolError(
                f"peer closed connection without sending complete message body: received {len(part)} bytes, "
                f"expected {whole}"
            )

        def __iter__(self) -> Iterator[bytes]:
            yield part
            raise self._error()

        async def __aiter__(self) -> Any:
            yield part
            raise self._error()

    return TruncatedStream()


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

    base = base_url.rstrip("/")

    def side_effect(request: httpx.Request) -> httpx.Response:
        action = double.respond(request.method, str(request.url))
        if isinstance(action, Refuse):
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if isinstance(action, Disconnect):
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        if isinstance(action, Stall):
            timeout = (request.extensions.get("timeout") or {}).get("read")
            if timeout is not None and timeout < stall_limit:
                raise httpx.ReadTimeout("timed out (hub double: stalled)", request=request)
            double.released.wait()
            raise httpx.ReadTimeout("hub double released a stalled request", request=request)
        headers = {"content-type": action.content_type}
        if action.location is not None:
            headers["location"] = base + action.location
        if action.cut_at is not None:
            headers["content-length"] = str(len(action.body))
            stream = truncated_stream(action.body[: action.cut_at], len(action.body))
            return httpx.Response(action.status, headers=headers, stream=stream)
        return httpx.Response(action.status, content=action.body, headers=headers)

    with respx.mock(assert_all_called=False, assert_all_mocked=True, using="httpx") as router:
        router.route(url__startswith=base).mock(side_effect=side_effect)
        yield router


# --------------------------------------------------------------------------- loopback server

_started_total = [0]


def servers_started() -> int:
    """How many loopback hubs this process has started (the benchmark checks: one per session)."""
    return _started_total[0]


class _Handler(BaseHTTPRequestHandler):
    """Translates one HTTP request to ``HubDouble.respond`` and its answer back to bytes.

    HTTP/1.0: one request per connection, so no idle keep-alive connection can hold a
    handler thread once the answer is sent.
    """

    server: _Server
    protocol_version = "HTTP/1.0"
    server_version = "kaizen-hub-double"
    sys_version = ""

    def __getattr__(self, name: str) -> Callable[[], None]:
        # Every method (GET, POST, PROPFIND, ...) reaches the double, so the boundary check sees it.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def _drain_body(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if 0 < length <= 1 << 20:
            self.rfile.read(length)

    def _serve(self) -> None:
        self._drain_body()
        hub = self.server.hub
        target = urlsplit(self.path)
        mount, rest = hub.route(target.path)
        if mount is None:
            self._answer(hub.unrouted(self.command, target.path, rest), base="")
            return
        action = mount.double.respond(self.command, rest + (f"?{target.query}" if target.query else ""))
        if isinstance(action, (Refuse, Disconnect)):
            self.close_connection = True
            return
        if isinstance(action, Stall):
            mount.double.released.wait(hub.stall_cap)
            self.close_connection = True
            return
        self._answer(action, base=hub.url + mount.prefix)

    def _answer(self, reply: Reply, base: str) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        if reply.location is not None:
            self.send_header("Location", base + reply.location)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body if reply.cut_at is None else reply.body[: reply.cut_at])
        self.wfile.flush()
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    """Threads per connection, all tracked, so ``stop`` can end every one of them."""

    daemon_threads = True
    allow_reuse_address = False
    request_queue_size = 64

    def __init__(self, hub: LoopbackHub) -> None:
        self.hub = hub
        self.connections: set[socket.socket] = set()
        self.threads: set[threading.Thread] = set()
        self.track = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(target=self._work, args=(request, client_address), daemon=True,
                                  name="kaizen-hub-handler")
        with self.track:
            self.connections.add(request)
            self.threads.add(thread)
        thread.start()

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            request.settimeout(self.hub.idle_timeout)
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - a client that hangs up mid-request is its own problem
            pass
        finally:
            self.shutdown_request(request)
            with self.track:
                self.connections.discard(request)
                self.threads.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@dataclass
class Mount:
    """One case's double, reachable under ``prefix`` until the case ends."""

    prefix: str
    double: HubDouble


@dataclass
class Stray:
    """A request that named no live case: evidence for diagnosing a resolver that drops the base path."""

    method: str
    path: str
    stale: bool  # it named a case that is over (an abandoned implementation thread)


class LoopbackHub:
    """A real HTTP server on 127.0.0.1 (ephemeral port) serving ``HubDouble.respond``.

    It is started once per test session (per pytest-xdist worker) and each case *mounts*
    its own double under a fresh path prefix (``/hub-7``); the base URL handed to the
    implementation ends with that prefix. When the case ends the mount is removed and its
    stalled requests released, so a late request from an implementation thread the kit had
    to abandon can only ever get a 404 from a case that is over, never reach the double of
    the next case. A case whose hub refuses connections gets a URL on a port that is bound
    but never listens: the kernel refuses the connection, as a dead hub's host would.
    """

    def __init__(self, *, stall_cap: float = 60.0, idle_timeout: float = 30.0) -> None:
        self.stall_cap = stall_cap
        self.idle_timeout = idle_timeout
        self._strays: list[tuple[int, Stray]] = []  # (sequence number, stray), the last 100 kept
        self._stray_count = 0
        self._mounts: dict[str, Mount] = {}
        self._retired: set[str] = set()
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._closed_port: socket.socket | None = None

    # lifecycle ---------------------------------------------------------------------------

    def start(self) -> LoopbackHub:
        if self._server is not None:
            return self
        self._server = _Server(self)
        self._closed_port = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._closed_port.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True, name="kaizen-hub-server")
        self._thread.start()
        _started_total[0] += 1
        return self

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        assert self._server is not None, "the loopback hub is not running"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def refused_url(self) -> str:
        assert self._closed_port is not None, "the loopback hub is not running"
        return f"http://127.0.0.1:{self._closed_port.getsockname()[1]}"

    def stop(self, join_timeout: float = 5.0) -> None:
        """Release every stalled request, close every connection, join every thread, free both ports."""
        server = self._server
        if server is None:
            return
        with self._lock:
            mounts = list(self._mounts.values())
            self._mounts.clear()
        for mount in mounts:
            mount.double.release()
        server.shutdown()
        with server.track:
            connections, threads = list(server.connections), list(server.threads)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(join_timeout)
        server.server_close()
        if self._thread is not None:
            self._thread.join(join_timeout)
        if self._closed_port is not None:
            self._closed_port.close()
        self._server, self._thread, self._closed_port = None, None, None

    def __enter__(self) -> LoopbackHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # cases -------------------------------------------------------------------------------

    @contextmanager
    def mount(self, double: HubDouble) -> Iterator[str]:
        """Serve ``double`` for the duration of the block; yields the base URL to hand out."""
        if double.fault_kind == "refuse":
            try:
                yield self.refused_url
            finally:
                double.release()
            return
        prefix = f"/hub-{next(self._numbers)}"
        with self._lock:
            self._mounts[prefix] = Mount(prefix, double)
        try:
            yield self.url + prefix
        finally:
            with self._lock:
                self._mounts.pop(prefix, None)
                self._retired.add(prefix)
            double.release()

    def route(self, path: str) -> tuple[Mount | None, str]:
        """The live mount a request path belongs to, and the path below its prefix."""
        head, _, rest = path.lstrip("/").partition("/")
        with self._lock:
            mount = self._mounts.get("/" + head)
        return mount, "/" + rest

    def unrouted(self, method: str, path: str, rest: str) -> Reply:
        """Answer a request that names no live case (404), and keep it as evidence."""
        head = "/" + path.lstrip("/").partition("/")[0]
        with self._lock:
            stale = head in self._retired
            self._strays.append((self._stray_count, Stray(method, path, stale)))
            self._stray_count += 1
            del self._strays[:-100]
        if stale:
            return json_reply({"detail": f"the case served under {head} is over"}, 404)
        return json_reply(
            {"detail": f"no hub here: {path} is outside every base URL this double handed out "
                       "(a resolver must append repos/ to the base URL it is given, keeping its path)"},
            404,
        )

    def stray_mark(self) -> int:
        """A bookmark: ``strays_since(mark)`` lists the requests that named no case after it."""
        with self._lock:
            return self._stray_count

    def strays_since(self, mark: int) -> list[Stray]:
        with self._lock:
            return [stray for number, stray in self._strays if number >= mark and not stray.stale]
