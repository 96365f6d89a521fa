"""Reads loose refs right, but takes the first commit of packed-refs for a branch found only
there (as if packed-refs held one line): with other branches packed, that is another commit."""

import os

from kaizen_conformance.reference import prepare as ref
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-010",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def first_packed(gitdir, common, name):
    for base in (gitdir, common):
        value = ref._text(os.path.join(base, *name.split("/")))
        if value is not None:
            return value
    packed = ref._text(os.path.join(common, "packed-refs")) or ""
    for line in packed.splitlines():
        if not line.startswith(("#", "^")):
            return line.split(" ", 1)[0]  # the mistake: the first ref, whichever it names
    return None


def head(root):
    original = ref._ref
    ref._ref = first_packed
    try:
        return ref.git_head(root)
    finally:
        ref._ref = original


prepare = build(head=head)
