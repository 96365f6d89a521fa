"""Sorts memory files by UTF-16 code units, as JavaScript's default sort does: a name with a
character beyond U+FFFF (an emoji) comes before one with a character from U+E000 to U+FFFF
(fullwidth letters), where code-point order puts it after. The golden names stay below U+FFFF."""

from mutants.prepare._parts import prepare as build

from kaizen_conformance.reference import prepare as ref

ROLE = "prepare"
FINDS = "PRE-002"
MESSAGE = r"the event differs from the golden"
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def utf16(record):
    return record["path"].encode("utf-16-be")


prepare = build(memory=lambda *args: sorted(ref._memory(*args), key=utf16))
