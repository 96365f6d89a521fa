"""A pytest plugin for the mutation run only: the kit's in-process calls run in threads.

Loaded with ``-p threaded_calls`` (``tools/mutation`` on ``PYTHONPATH``). A call in a thread
gets the same verdict as a call in a child process of its own: the same function is called
with the same arguments against the same hub double and checkout tree, and the same judges
read its answer. What the child process adds is protection for the kit (memory budget, socket
filter, a call that cannot be stopped) -- not a different answer. Threads save the fork per
call, which is most of the run's time on a reference that answers in microseconds.
"""

from __future__ import annotations

from kaizen_conformance.runtime import calls


def pytest_configure() -> None:
    """Before any case runs: every in-process call is made in a thread."""
    calls.isolation_available = lambda: False
