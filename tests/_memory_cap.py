"""A pytest plugin for the kill matrix's child runs: cap the address space of the process.

A mutant may be broken in exactly the way that exhausts memory (validating an alias bomb
renders its expansion in an error message); the cap turns that into a MemoryError in the
mutant's own run instead of starving the machine.
"""

from __future__ import annotations

import resource

CAP_BYTES = 4 << 30


def pytest_configure() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > CAP_BYTES:
        resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, hard))
