"""Reads each manifest's text once, through functools.lru_cache keyed by its path, and judges the
cached text: a manifest rewritten (made invalid) after the first call is judged as it was."""

import functools
import os
import tempfile

from kaizen_conformance.reference import resolver as ref
from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-019",)
MESSAGE = r"the very answer of call 1"
OPTIONS = ["--kaizen-resolver={module}:resolve", "-k", "sequence-manifest-made-invalid"]


@functools.lru_cache(maxsize=128)
def manifest_bytes(path):
    try:
        with open(os.path.join(path, ".kaizen", "schedule.yml"), "rb") as handle:
            return handle.read()
    except OSError:
        return None


def opted_in(path):
    data = manifest_bytes(path)
    if data is None:
        return False
    with tempfile.TemporaryDirectory() as copy:
        os.mkdir(os.path.join(copy, ".kaizen"))
        with open(os.path.join(copy, ".kaizen", "schedule.yml"), "wb") as handle:
            handle.write(data)
        return ref.opted_in(copy)


resolve = resolver(opted_in=opted_in)
