"""The hub double in-process: a respx router that hands httpx requests to ``HubDouble.respond``.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kaizen_conformance.hubdouble.responder import Disconnect, HubDouble, Refuse, Stall


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
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if isinstance(action, Stall):
            timeout = (request.extensions.get("timeout") or {}).get("read")
            if timeout is not None and timeout < stall_limit:
                raise httpx.ReadTimeout("timed out (hub double: stalled)", request=request)
            double.released.wait()
            raise httpx.ReadTimeout("hub double released a stalled request", request=request)
        headers = {"content-type": action.content_type}
        if action.location is not None:
            headers["location"] = base + action.location
        if action.allow is not None:
            headers["allow"] = action.allow
        if request.method == "HEAD":
            headers["content-length"] = str(len(action.body))
            return httpx.Response(action.status, headers=headers)
        if action.cut_at is not None:
            headers["content-length"] = str(len(action.body))
            stream = truncated_stream(action.body[: action.cut_at], len(action.body))
            return httpx.Response(action.status, headers=headers, stream=stream)
        return httpx.Response(action.status, content=action.body, headers=headers)

    with respx.mock(assert_all_called=False, assert_all_mocked=True, using="httpx") as router:
        router.route(url__startswith=base).mock(side_effect=side_effect)
        yield router
