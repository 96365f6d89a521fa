"""What an in-process implementation returned, settled: awaited, and consumed when lazy.

Every in-process target (resolver, hub seed, prepare, validate, init, list) may be written
``async def`` or return an awaitable, and a resolver may return a generator (sync or async).
The kit settles the result INSIDE the function it hands to the call machinery, so the waiting
happens within the per-call time and memory limits and in the call's own process, where the
implementation's state lives; a coroutine dropped unawaited would do nothing and be judged as
a wrong answer (or, for a resolver, as "never reached the hub").

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import Any


async def _wait(awaitable: Any) -> Any:
    return await awaitable


async def _gather(items: AsyncIterable[Any]) -> list[Any]:
    return [item async for item in items]


def awaited(value: Any) -> Any:
    """``value``, or what it resolves to when it is awaitable, run on a fresh event loop.

    A fresh loop per call (``asyncio.run``): the call's process holds no loop of the kit's,
    and the loop's async generators and default executor are shut down before the call ends.
    An awaitable that resolves to another awaitable is awaited again.
    """
    while inspect.isawaitable(value):
        value = asyncio.run(_wait(value))
    return value


def consumed(value: Any) -> Any:
    """``value`` awaited, and a lazy iterable (generator, async generator) made a list.

    A resolver that yields does its work while it is consumed: consuming it here keeps that
    work inside the call's limits. Strings, bytes and mappings are values, not sequences of
    repos, and are returned as they are.
    """
    value = awaited(value)
    if isinstance(value, AsyncIterable):
        return asyncio.run(_gather(value))
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping)):
        return list(value)
    return value
