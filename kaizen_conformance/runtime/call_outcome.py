"""What an implementation call did, whichever way it ran: the shared types of ``runtime.calls``.

Apart so that the child-process machinery (``runtime.forked``) and the API (``runtime.calls``)
both build on them without importing each other.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CallOutcome:
    """What one call did: returned ``value``, raised ``error``, or ran past a limit."""

    value: Any = None
    error: BaseException | None = None
    error_text: str = ""
    timed_out: bool = False
    seconds: float = 0.0
    over_memory: bool = False  # it needed more than the memory budget (``memory_mib``)
    memory_mib: int = 0  # the budget it ran under; 0 when unbounded (a thread)
    isolated: bool = False  # it ran in a child process (else a thread of the kit)
    # what the objects the kit asked to carry held when this call ended (all calls so far, in
    # a sequence): the next call's share is what was added after
    carried: list[Any] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def error_type(self) -> str:
        """The name of the exception's type (of the original, where a stand-in came home)."""
        if self.error is None:
            return ""
        return str(getattr(self.error, "type_name", "") or type(self.error).__name__)

    @property
    def over_limit(self) -> bool:
        return self.timed_out or self.over_memory

    def limit_text(self, seconds: float, origin: str) -> str:
        """Which limit the call ran past, for failure messages."""
        if self.over_memory:
            return (
                f"ran out of its memory budget of {self.memory_mib} MiB (--kaizen-memory): "
                "the call was stopped"
            )
        ended = "stopped" if self.isolated else "abandoned (a thread cannot be killed)"
        return f"did not return within the per-call limit of {seconds:g} s ({origin}); the call was {ended}"


class RaisedInCall(Exception):
    """Stands for an exception that could not be carried out of the call's process as itself.

    ``type_name`` is the name of the type it stands for, which messages quote.
    """

    def __init__(self, message: str, type_name: str = "") -> None:
        super().__init__(message)
        self.type_name = type_name or type(self).__name__

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.type_name))


class Unpicklable:
    """Stands for a returned value that could not leave the call's process (a generator, a lambda).

    The role judges it as what it is not (not a list, not a mapping), and its ``repr`` is the
    original's, so the failure message quotes what the implementation returned.
    """

    def __init__(self, text: str, type_name: str, why: str) -> None:
        self.text, self.type_name, self.why = text, type_name, why

    def __repr__(self) -> str:
        return self.text
