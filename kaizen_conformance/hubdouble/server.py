"""The hub double over a real socket: ``LoopbackHub`` serves the same responder on 127.0.0.1.

For implementations that are not Python, or whose HTTP client respx cannot patch. One server
per session or worker; each case gets its own URL prefix, so a late request never reaches the
next case.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from kaizen_conformance.hubdouble.responder import (
    Disconnect,
    HubDouble,
    Refuse,
    Reply,
    Stall,
    json_reply,
)

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
        action = mount.double.respond(
            self.command, rest + (f"?{target.query}" if target.query else "")
        )
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
        if reply.allow is not None:
            self.send_header("Allow", reply.allow)
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
        thread = threading.Thread(
            target=self._work,
            args=(request, client_address),
            daemon=True,
            name="kaizen-hub-handler",
        )
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
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="kaizen-hub-server",
        )
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
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
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
            {
                "detail": f"no hub here: {path} is outside every base URL this double handed out "
                "(a resolver must append repos/ to the base URL it is given, keeping its path)"
            },
            404,
        )

    def stray_mark(self) -> int:
        """A bookmark: ``strays_since(mark)`` lists the requests that named no case after it."""
        with self._lock:
            return self._stray_count

    def strays_since(self, mark: int) -> list[Stray]:
        with self._lock:
            return [stray for number, stray in self._strays if number >= mark and not stray.stale]
