"""One audit hook for the whole process, installed once, handing each event to the watches now active.

An audit hook cannot be removed once added, so the kit adds exactly one, the first time a
watch is opened; with no watch active it returns at once. The offline guard
(``runtime.sandbox``) and the watch on files prepare must not read (``adapters.prepare``)
are both watches on it.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Watch = Callable[[str, tuple[object, ...]], None]

_lock = threading.Lock()
_watches: tuple[Watch, ...] = ()  # replaced whole under the lock; the hook reads it without
_installed = False


def _hook(event: str, args: tuple[object, ...]) -> None:
    watches = _watches
    if not watches:
        return
    refusal: BaseException | None = None
    for watch in watches:
        try:
            watch(event, args)
        except Exception as exc:  # noqa: BLE001 - every watch sees the event; the first refusal wins
            refusal = refusal or exc
    if refusal is not None:
        raise refusal


@contextmanager
def watching(watch: Watch) -> Iterator[None]:
    """Hand every audit event of this process to ``watch`` while the block runs.

    ``watch`` may raise to refuse the event (the audited operation then raises that error).
    """
    global _installed, _watches
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
        _watches = (*_watches, watch)
    try:
        yield
    finally:
        with _lock:
            remaining = list(_watches)
            remaining.remove(watch)
            _watches = tuple(remaining)
