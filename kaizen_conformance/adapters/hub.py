"""Driving a hub: ``GET /repos/`` on an ASGI or WSGI app in-process, or on a live URL.

A hub is untrusted like every implementation: each GET is bounded by the per-call limit and
whatever happened (an answer, an exception from the app, a refused connection, silence) is
turned into a ``HubAnswer`` the checks can quote — status, content type and the first bytes
of the body, or the app's own traceback. A hub that stops answering one kind of query is not
asked that kind again in the same case, so a hanging hub costs one limit, not one per check.

The seed function (``--kaizen-hub-seed``) is the user's code too; it is called with the app
object or the URL, within the limit, and a failure of it is a configuration error of the run
(``SeedFailure``), never a verdict on the hub.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import inspect
import json
import socket
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import pytest

from kaizen_conformance.adapters.hub_seeding import (
    SeedFailure,
    check_seed_command,
    run_seed_command,
)
from kaizen_conformance.cases.hub import Params, as_seeded
from kaizen_conformance.contract.json_data import json_type, strict_loads
from kaizen_conformance.core.checks import FailureKind
from kaizen_conformance.core.targets import TargetError, load_target
from kaizen_conformance.runtime.calls import CallOutcome, call_in_thread

if TYPE_CHECKING:
    from kaizen_conformance.core.settings import Settings

PATH = "/repos/"
IN_PROCESS_BASE_URL = (
    "http://testserver"  # the Host an in-process app sees (Starlette's test default)
)
MAX_BODY_BYTES = 32 * 1024 * 1024  # a live hub streaming without end is cut here
BODY_HEAD_BYTES = 200  # how much of a body a failure message quotes
SEED_LOADED = "hub-seed"  # Settings.loaded key of the imported seed function


class HubUnavailable(Exception):
    """The hub could not be started or reached at all: the run is misconfigured."""


# --------------------------------------------------------------------------- answers


def request_line(params: Params) -> str:
    """``GET /repos/?domain=r%26d``: the request as it went over the wire (percent-encoded)."""
    query = urlencode(list(params))
    return f"GET {PATH}" + (f"?{query}" if params else "")


def location(headers: Any) -> str:
    """A response's Location header, bounded: a redirect's message shows where it pointed."""
    return str(headers.get("location", ""))[:300]


@dataclass(frozen=True)
class HubAnswer:
    """What one GET produced: an HTTP answer, or the reason there is none (``problem``)."""

    params: Params
    status: int | None = None
    content_type: str = ""
    body: bytes = b""
    seconds: float = 0.0
    problem: str = ""
    timed_out: bool = False
    truncated: bool = False
    failure_kind: FailureKind | None = (
        None  # why there is no answer: it crashed or ran over the limit
    )
    location: str = ""  # the Location header of a redirect (the kit follows none)

    @property
    def request(self) -> str:
        return request_line(self.params)

    @property
    def answered(self) -> bool:
        return self.status is not None

    def head(self) -> str:
        """The first bytes of the body, readable, saying how much more there was."""
        if not self.body:
            return "empty body"
        shown = self.body[:BODY_HEAD_BYTES].decode("utf-8", errors="replace")
        more = len(self.body) - BODY_HEAD_BYTES
        suffix = f" ... ({more} more bytes{'+' if self.truncated else ''})" if more > 0 else ""
        return f"{shown!r}{suffix}"

    def describe(self) -> str:
        if not self.answered:
            return f"{self.request}: {self.problem}"
        where = f", Location {self.location}" if self.location else ""
        return f"{self.request} answered {self.status} ({self.content_type or 'no Content-Type'}{where}): {self.head()}"

    @property
    def media_type(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()

    @cached_property
    def decoded(self) -> tuple[bool, Any]:
        """(True, value) when the body is JSON, else (False, why not)."""
        if self.truncated:
            return False, f"the body is larger than {MAX_BODY_BYTES} bytes"
        try:
            return True, strict_loads(self.body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            return False, f"the body is not UTF-8 ({exc.reason} at byte {exc.start})"
        except ValueError as exc:
            return False, f"the body is not JSON ({exc})"

    def listing(self) -> tuple[list[Any] | None, str]:
        """The records of a 200 JSON-array answer, or None and a message quoting the answer."""
        if not self.answered:
            return None, self.describe()
        if self.status != 200:
            return None, f"{self.describe()} — expected 200"
        ok, value = self.decoded
        if not ok:
            return None, f"{self.describe()} — {value}"
        if not isinstance(value, list):
            return None, f"{self.describe()} — a JSON {json_type(value)}, not an array"
        return value, ""


# --------------------------------------------------------------------------- tracebacks

_KIT_DIR = Path(__file__).resolve().parent.parent
_HIDDEN_PREFIXES: tuple[str, ...] = ()


def _hidden_prefixes() -> tuple[str, ...]:
    """Frames of the kit's own machinery and of the HTTP plumbing, which say nothing about the app."""
    global _HIDDEN_PREFIXES
    if not _HIDDEN_PREFIXES:
        import anyio
        import httpx

        dirs = [
            Path(httpx.__file__).parent,
            Path(anyio.__file__).parent,
            Path(asyncio.__file__).parent,
            Path(concurrent.futures.__file__).parent.parent,
        ]
        kit = [p for p in _KIT_DIR.iterdir() if p.name != "reference"]
        _HIDDEN_PREFIXES = (*(str(p) for p in dirs + kit), threading.__file__)
    return _HIDDEN_PREFIXES


def app_traceback(error: BaseException, keep: int = 15) -> str:
    """The exception as Python prints it, without the kit's and httpx's frames: the app's own stack."""
    hidden = _hidden_prefixes()
    summary = traceback.TracebackException.from_exception(error)
    seen: set[int] = set()
    pending = [summary]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        frames = [f for f in current.stack if not str(f.filename).startswith(hidden)]
        current.stack = traceback.StackSummary.from_list(frames[-keep:])
        pending.extend(t for t in (current.__cause__, current.__context__) if t is not None)
    return "".join(summary.format()).rstrip()


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


# --------------------------------------------------------------------------- drivers

REQUEST_HEADERS = {"accept": "*/*", "user-agent": "kaizen-conformance"}


def new_request(params: Params) -> Any:
    """The GET an in-process app receives: what a plain HTTP client sends (Host: testserver)."""
    import httpx

    return httpx.Request(
        "GET", httpx.URL(IN_PROCESS_BASE_URL + PATH, params=list(params)), headers=REQUEST_HEADERS
    )


def query_shape(params: Params) -> tuple[str, ...]:
    """The kind of a query, for remembering which kinds a hub stopped answering."""
    shape = []
    for name, value in params:
        if name == "kaizen_schedule_enabled":
            shape.append(f"{name}={'valid' if value in ('true', 'false') else 'unparseable'}")
        else:
            shape.append(name)
    return tuple(sorted(shape))


class HubDriver:
    """Sends the kit's GETs to one hub and calls the seed function on it."""

    kind = ""
    # as messages name them: the option that configured the hub, and where the limit came from
    # (set by open_driver from the settings)
    origin = "--kaizen-hub-url"
    limit_origin = "--kaizen-timeout"

    def __init__(self, target: Any, description: str, limit: float) -> None:
        self.target = target  # what the seed function receives: the app object or the URL
        self.limit = limit
        self.lock_key = description  # which hub: its spec, refined by open_driver with the seed
        self.answered_once = False
        self.seed_worked = False  # the seed has replaced the data of some case in this process
        self.observed_any = False  # a case has been observed: the next is not the first
        self.wedged = ""  # set when no further request can be answered at all
        self.stalled: dict[tuple[str, ...], str] = {}

    # -- lifecycle
    def start(self) -> None:
        """Raise HubUnavailable when the hub cannot serve at all."""

    def close(self) -> None:
        """Stop whatever the driver started; safe to call twice."""

    @contextmanager
    def exclusive(self, seeded: bool) -> Iterator[None]:
        """Hold the hub's data for one case: seed, then every GET, with no other seeding between.

        Seeding replaces data that parallel runs may share (pytest-xdist workers seeding one
        live hub, or in-process apps whose store is one file or database server), so every
        process of this machine seeding the same hub through the kit takes turns, through a
        lock file in the system temp dir keyed on the hub and the seed function.
        """
        if not seeded:
            yield
            return
        try:
            import fcntl
        except ImportError:  # no flock here (Windows): run seeded hub checks serially (-n 0)
            yield
            return
        digest = hashlib.sha256(self.lock_key.encode()).hexdigest()[:16]
        path = Path(tempfile.gettempdir()) / f"kaizen-hub-{digest}.lock"
        with open(path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def begin_case(self) -> None:
        """New data: kinds of query that stalled on the last case's data are asked again."""
        self.stalled.clear()

    # -- requests
    def get(self, params: Params) -> HubAnswer:
        shape = query_shape(params)
        if self.wedged:
            return HubAnswer(
                params,
                problem=f"not attempted: {self.wedged}",
                failure_kind=FailureKind.OVER_LIMIT,
            )
        if shape in self.stalled:
            return HubAnswer(
                params,
                problem=f"not attempted: {self.stalled[shape]} (a query of the same kind) "
                f"did not answer within the {self.limit:g} s limit",
                failure_kind=FailureKind.OVER_LIMIT,
            )
        answer = self.fetch(params)
        if answer.answered:
            self.answered_once = True
        elif answer.timed_out:
            self.stalled[shape] = answer.request
            if not self.answered_once:
                self.wedged = (
                    f"the hub has not answered any request yet ({answer.request} ran past the "
                    f"{self.limit:g} s limit, {self.limit_origin})"
                )
        return answer

    def fetch(self, params: Params) -> HubAnswer:
        raise NotImplementedError

    def timed_out(self, params: Params, seconds: float) -> HubAnswer:
        return HubAnswer(
            params,
            seconds=seconds,
            timed_out=True,
            problem=f"no answer within the per-call limit of {self.limit:g} s ({self.limit_origin})",
            failure_kind=FailureKind.OVER_LIMIT,
        )

    def raised(self, params: Params, error: BaseException, seconds: float) -> HubAnswer:
        return HubAnswer(
            params,
            seconds=seconds,
            problem=f"the app raised {type(error).__name__}: {error}\n{indent(app_traceback(error))}",
            failure_kind=FailureKind.CRASHED,
        )

    # -- seeding
    def run_seed(self, seed: Callable[..., Any], records: list[Any], label: str) -> CallOutcome:
        """Call ``seed(target, records)`` within the limit; an awaitable result is awaited."""

        def invoke() -> Any:
            produced = seed(self.target, records)
            if inspect.isawaitable(produced):
                return self.await_result(produced)
            return produced

        return call_in_thread(invoke, self.limit, label)

    def await_result(self, awaitable: Any) -> Any:
        async def wait() -> Any:
            return await awaitable

        return asyncio.run(wait())


class AsgiDriver(HubDriver):
    """An ASGI app on an event loop of its own, reached through ``httpx.ASGITransport``.

    The loop lives in one daemon thread for the whole session, so the app keeps its state
    (connection pools, caches) between requests as under a real server; the kit runs the
    app's lifespan (startup before the first request, shutdown at the end), which httpx does
    not, and hands the lifespan state to every request as servers do.
    """

    kind = "asgi"

    def __init__(self, app: Any, description: str, limit: float) -> None:
        super().__init__(app, description, limit)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="kaizen-hub-asgi-loop", daemon=True)
        self.thread.start()
        self.transport: Any = None
        self.lifespan: _Lifespan | None = None
        self.closed = False

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def _submit(self, coroutine: Any, limit: float) -> tuple[Any, BaseException | None, bool]:
        """Run ``coroutine`` on the app's loop: (value, error, timed_out)."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(limit), None, False
        except KeyboardInterrupt:
            future.cancel()
            raise
        except concurrent.futures.TimeoutError:
            future.cancel()
            self._check_loop_alive()
            return None, None, True
        except BaseException as exc:  # noqa: BLE001 - the app may raise anything
            return None, exc, False

    def _check_loop_alive(self) -> None:
        """After a timeout: a loop that does not even run ``sleep(0)`` is blocked by the app."""
        ran = threading.Event()
        self.loop.call_soon_threadsafe(
            ran.set
        )  # a plain callback: nothing left un-awaited if it never runs
        if not ran.wait(1.0):
            self.wedged = (
                "the app blocks its event loop (a blocking call inside an async endpoint?): "
                "nothing more can be asked of it"
            )

    def start(self) -> None:
        self.lifespan = _Lifespan(self.target)
        value, error, timed_out = self._submit(self.lifespan.startup(), self.limit)
        if timed_out:
            raise HubUnavailable(
                f"the app's lifespan startup did not finish within {self.limit:g} s"
            )
        if error is not None:
            raise HubUnavailable(
                f"the app's lifespan startup raised {type(error).__name__}: {error}\n"
                f"{indent(app_traceback(error))}"
            )
        if value:
            raise HubUnavailable(f"the app's lifespan startup failed: {value}")
        self._open_transport()

    def _open_transport(self) -> None:
        import httpx

        lifespan = self.lifespan
        app = self.target

        async def with_lifespan_state(
            scope: MutableMapping[str, Any], receive: Any, send: Any
        ) -> None:
            if (
                lifespan is not None
                and lifespan.state
                and scope.get("type") in ("http", "websocket")
            ):
                scope = {**scope, "state": dict(lifespan.state)}
            await app(scope, receive, send)

        # The transport itself, without a Client around it: the client's machinery (cookies,
        # auth, event hooks, URL merging) costs three times what the request does.
        self.transport = httpx.ASGITransport(app=with_lifespan_state, raise_app_exceptions=True)

    def fetch(self, params: Params) -> HubAnswer:
        transport = self.transport

        async def get() -> tuple[int, str, bytes, str]:
            response = await transport.handle_async_request(new_request(params))
            body = await response.aread()
            headers = response.headers
            return response.status_code, headers.get("content-type", ""), body, location(headers)

        started = time.perf_counter()
        value, error, timed_out = self._submit(get(), self.limit)
        seconds = time.perf_counter() - started
        if timed_out:
            return self.timed_out(params, seconds)
        if error is not None:
            return self.raised(params, error, seconds)
        status, content_type, body, where = value
        return HubAnswer(params, status, content_type, body, seconds, location=where)

    def await_result(self, awaitable: Any) -> Any:
        """An async seed runs on the app's own loop, where the app's async resources live."""

        async def wait() -> Any:
            return await awaitable

        value, error, timed_out = self._submit(wait(), self.limit)
        if timed_out:
            raise TimeoutError(f"the awaitable it returned did not finish within {self.limit:g} s")
        if error is not None:
            raise error
        return value

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if (
            not self.wedged
            and self.loop.is_running()
            and self.lifespan is not None
            and self.lifespan.started
        ):
            self._submit(self.lifespan.shutdown(), min(self.limit, 5.0))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(2.0)
        if not self.thread.is_alive():
            self.loop.close()


class _Lifespan:
    """The ASGI lifespan protocol, as uvicorn's ``lifespan="auto"`` runs it.

    An app that does not speak it (raises or returns on the lifespan scope before starting)
    is served without it; an app that reports ``lifespan.startup.failed`` cannot be served.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        self.started = False
        self.to_app: asyncio.Queue[dict[str, Any]] | None = None
        self.from_app: asyncio.Queue[dict[str, Any]] | None = None
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        assert self.to_app is not None and self.from_app is not None
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self.state,
        }
        try:
            await self.app(scope, self.to_app.get, self.from_app.put)
        except BaseException as exc:  # noqa: BLE001 - the app's failure is reported, not raised here
            await self.from_app.put({"type": "kaizen.raised", "error": exc})
        else:
            await self.from_app.put({"type": "kaizen.returned"})

    async def startup(self) -> str:
        """'' when the app is ready (or has no lifespan), else why it failed."""
        self.to_app, self.from_app = asyncio.Queue(), asyncio.Queue()
        self.task = asyncio.ensure_future(self._run())
        await self.to_app.put({"type": "lifespan.startup"})
        message = await self.from_app.get()
        if message["type"] == "lifespan.startup.complete":
            self.started = True
            return ""
        if message["type"] == "lifespan.startup.failed":
            return str(message.get("message") or "no message given")
        return ""  # raised or returned before starting: lifespan unsupported, serve without it

    async def shutdown(self) -> None:
        assert self.to_app is not None and self.from_app is not None
        await self.to_app.put({"type": "lifespan.shutdown"})
        await self.from_app.get()


class WsgiDriver(HubDriver):
    """A WSGI app called through ``httpx.WSGITransport`` in a worker thread bounded by the limit."""

    kind = "wsgi"

    def __init__(self, app: Any, description: str, limit: float) -> None:
        super().__init__(app, description, limit)
        import httpx

        self.transport = httpx.WSGITransport(app=app, raise_app_exceptions=True)

    def fetch(self, params: Params) -> HubAnswer:
        transport = self.transport

        def get() -> tuple[int, str, bytes, str]:
            response = transport.handle_request(new_request(params))
            headers = response.headers
            return (
                response.status_code,
                headers.get("content-type", ""),
                response.read(),
                location(headers),
            )

        outcome = call_in_thread(get, self.limit, f"hub {request_line(params)}")
        if outcome.timed_out:
            return self.timed_out(params, outcome.seconds)
        if outcome.error is not None:
            return self.raised(params, outcome.error, outcome.seconds)
        status, content_type, body, where = outcome.value
        return HubAnswer(params, status, content_type, body, outcome.seconds, location=where)


class UrlDriver(HubDriver):
    """A running hub at a URL, reached with httpx (timeout = the per-call limit)."""

    kind = "url"

    def __init__(self, url: str, description: str, limit: float) -> None:
        super().__init__(url, description, limit)
        import httpx

        self.client = httpx.Client(
            base_url=url.rstrip("/"), timeout=httpx.Timeout(limit), follow_redirects=False
        )

    def fetch(self, params: Params) -> HubAnswer:
        import httpx

        def get() -> tuple[int, str, bytes, bool, str]:
            chunks, size, truncated = [], 0, False
            with self.client.stream("GET", PATH, params=list(params)) as response:
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        truncated = True
                        break
                return (
                    response.status_code,
                    response.headers.get("content-type", ""),
                    b"".join(chunks),
                    truncated,
                    location(response.headers),
                )

        # httpx's timeout bounds each phase; the thread bounds the whole exchange (a trickling body).
        outcome = call_in_thread(get, self.limit + 0.5, f"hub {request_line(params)}")
        if outcome.timed_out or isinstance(outcome.error, httpx.TimeoutException):
            return self.timed_out(params, outcome.seconds)
        if isinstance(outcome.error, httpx.HTTPError):
            error = outcome.error
            return HubAnswer(
                params,
                seconds=outcome.seconds,
                problem=f"no HTTP answer from {self.target}: {type(error).__name__}: {error}",
                failure_kind=FailureKind.CRASHED,
            )
        if outcome.error is not None:
            return self.raised(params, outcome.error, outcome.seconds)
        status, content_type, body, truncated, where = outcome.value
        return HubAnswer(
            params, status, content_type, body, outcome.seconds, truncated=truncated, location=where
        )

    def start(self) -> None:
        """Nothing listening at the URL is a configuration error, not a set of HUB failures.

        Only a TCP connection is opened: the hub sees no request the checks did not ask for.
        """
        parts = urlsplit(str(self.target))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            socket.create_connection((parts.hostname or "", port), timeout=self.limit).close()
        except OSError as exc:
            raise HubUnavailable(
                f"nothing answers at {self.target} ({exc}). Start the hub before the run, or fix {self.origin}"
            ) from None

    def close(self) -> None:
        self.client.close()


# --------------------------------------------------------------------------- configuration


def detect_app_kind(app: Any) -> str | None:
    """'asgi' for ``async (scope, receive, send)``, 'wsgi' for ``(environ, start_response)``."""
    call = type(app).__call__ if callable(app) and not inspect.isroutine(app) else None
    if inspect.iscoroutinefunction(app) or (
        not inspect.isclass(app) and inspect.iscoroutinefunction(call)
    ):
        return "asgi"
    try:
        signature = inspect.signature(app)
    except (TypeError, ValueError):
        return None
    kinds = [p.kind for p in signature.parameters.values()]
    if inspect.Parameter.VAR_POSITIONAL in kinds or inspect.isclass(app):
        return None
    positional = kinds.count(inspect.Parameter.POSITIONAL_ONLY) + kinds.count(
        inspect.Parameter.POSITIONAL_OR_KEYWORD
    )
    return {3: "asgi", 2: "wsgi"}.get(positional)


def app_kind(settings: Settings) -> str:
    forced = settings.options.hub_app_kind
    return forced or detect_app_kind(settings.implementation("hub")) or ""


def url_problem(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "is not an http:// or https:// URL with a host (for example http://127.0.0.1:8000)"
    if parts.query or parts.fragment:
        return "has a query or fragment; give the hub's base URL (the kit appends /repos/)"
    return ""


def seed_spec(settings: Settings) -> str | None:
    """The seed as configured: a function's ``module:function``, or a seed command's template."""
    return settings.options.hub_seed or settings.options.hub_seed_cmd or None


def seed_option(settings: Settings) -> str:
    """The attribute of the option that configured the seed: ``hub_seed`` or ``hub_seed_cmd``."""
    return "hub_seed_cmd" if settings.options.hub_seed_cmd else "hub_seed"


def check_hub_options(settings: Settings) -> None:
    """Fail at configure time, naming the option, on a hub configuration that cannot work."""
    target = settings.target("hub")
    seed = seed_spec(settings)
    forced = settings.options.hub_app_kind
    if settings.options.hub_seed and settings.options.hub_seed_cmd:
        raise pytest.UsageError(
            f"{settings.named('hub_seed')} and {settings.named('hub_seed_cmd')} both seed the hub; "
            "give only one"
        )
    if target is None:
        if seed:
            raise pytest.UsageError(
                f"{settings.named(seed_option(settings))} seeds a hub, but no hub is configured: "
                "give --kaizen-hub-app=module:attr or --kaizen-hub-url=URL as well"
            )
        if forced:
            raise pytest.UsageError(
                f"{settings.named('hub_app_kind')} needs --kaizen-hub-app=module:attr"
            )
        return
    if target.kind == "url":
        if forced:
            raise pytest.UsageError(
                f"{settings.named('hub_app_kind')} applies to --kaizen-hub-app only; a hub at a URL is "
                "reached over HTTP whatever it is written with"
            )
        problem = url_problem(target.spec)
        if problem:
            raise pytest.UsageError(f"{target.named} {problem}")
    else:
        try:
            app = settings.implementation("hub")
        except TargetError as exc:
            raise pytest.UsageError(f"{target.named}: {exc}") from None
        if not callable(app):
            raise pytest.UsageError(
                f"{target.named}: a {type(app).__name__} object is not an ASGI or WSGI app "
                "(an app is callable)"
            )
        if not forced and detect_app_kind(app) is None:
            raise pytest.UsageError(
                f"{target.named}: cannot tell whether this {type(app).__name__} is an ASGI app "
                "(async, called with scope, receive, send) or a WSGI app (called with environ, start_response); "
                "say which with --kaizen-hub-app-kind=asgi or --kaizen-hub-app-kind=wsgi"
            )
    if settings.options.hub_seed_cmd:
        check_seed_command(settings, target.kind)
    elif seed:
        try:
            function = seed_function(settings)
        except TargetError as exc:
            raise pytest.UsageError(f"{settings.named('hub_seed')}: {exc}") from None
        if not callable(function):
            raise pytest.UsageError(
                f"{settings.named('hub_seed')}: a {type(function).__name__} object is not callable"
            )


def seed_function(settings: Settings) -> Callable[..., Any]:
    """The imported seed function (cached beside the implementations)."""
    spec = seed_spec(settings)
    assert spec is not None
    if SEED_LOADED not in settings.loaded:
        settings.loaded[SEED_LOADED] = load_target(spec, search=(Path.cwd(), settings.rootpath))
    function: Callable[..., Any] = settings.loaded[SEED_LOADED]
    return function


def open_driver(settings: Settings) -> HubDriver:
    """The driver for the configured hub, started (an ASGI app's lifespan has run)."""
    target = settings.target("hub")
    assert target is not None
    limit = settings.timeout
    driver: HubDriver
    if target.kind == "url":
        driver = UrlDriver(target.spec, target.describe(), limit)
    elif app_kind(settings) == "wsgi":
        driver = WsgiDriver(settings.implementation("hub"), target.describe() + ", WSGI", limit)
    else:
        driver = AsgiDriver(settings.implementation("hub"), target.describe() + ", ASGI", limit)
    driver.lock_key = f"{target.spec}\n{seed_spec(settings)}"
    driver.origin = target.origin
    driver.limit_origin = settings.origin("timeout")
    try:
        driver.start()
    except BaseException:
        driver.close()
        raise
    return driver


def seed_hub(settings: Settings, driver: HubDriver, records: Sequence[Any], case: str) -> None:
    """Replace the hub's data with ``records``; raise SeedFailure naming the seed function."""
    spec = seed_spec(settings)
    # A deep copy: a seed function that keeps or edits the list cannot change the golden case.
    copied = json.loads(json.dumps(as_seeded(records, settings.profile("hub"))))
    if settings.options.hub_seed_cmd:
        run_seed_command(settings, str(driver.target), copied, case)
        return
    outcome = driver.run_seed(seed_function(settings), copied, f"hub seed {case}")
    where = (
        f"{settings.named('hub_seed')} (called {spec.rsplit(':', 1)[-1] if spec else 'seed'}("
        f"{'url' if driver.kind == 'url' else 'app'}, records) for case {case})"
    )
    if outcome.timed_out:
        raise SeedFailure(
            f"{where} did not return within the per-call limit of {settings.timeout:g} s",
            timed_out=True,
        )
    if outcome.error is not None:
        error = outcome.error
        raise SeedFailure(
            f"{where} raised {type(error).__name__}: {error}\n{indent(app_traceback(error))}"
        )
