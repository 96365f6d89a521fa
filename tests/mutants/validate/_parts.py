"""Pieces of a plain validator that the mutants recombine, each with one thing wrong."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kaizen_conformance.reference import schedule as ref
from mutants._mistakes import manifest_file


def read_inside(repo: str) -> bytes:
    """The manifest's bytes, read only from inside the checkout (SCH-006), at most 64 KiB + 1."""
    with ref.manifest_path(Path(repo)).open("rb") as handle:
        return handle.read(ref.MAX_BYTES + 1)


def read_through_links(repo: str) -> bytes:
    """The manifest's bytes wherever its links lead (breaks SCH-006)."""
    with open(manifest_file(repo), "rb") as handle:
        return handle.read(ref.MAX_BYTES + 1)


def strict_load(text: str) -> Any:
    """The reference's loader: safe, duplicate keys refused, alias bombs bounded."""
    loader = ref._LOADERS[-1](text)  # libyaml where present, as most resolvers read
    try:
        node = loader.get_single_node()
        if node is None or ref._expanded_size(node) > ref.MAX_EXPANDED_NODES:
            raise ValueError("empty, or aliases expand too far")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def unique_names(document: Any) -> None:
    names = [agent["name"] for agent in document["agents"]]
    if len(names) != len(set(names)):
        raise ValueError("agent names are not unique")


def validator(
    *,
    read: Callable[[str], bytes] = read_inside,
    load: Callable[[str], Any] = strict_load,
    check: Callable[[Any], None] = ref._VALIDATOR.validate,
    names: Callable[[Any], None] = unique_names,
    reason: Callable[[str, Exception], str] = lambda path, exc: f"{path}: {exc}",
) -> Callable[[str], None]:
    """``validate(repo)``: returns on valid, raises ValueError(reason) on invalid."""

    def validate(repo: str) -> None:
        try:
            data = read(repo)
            if len(data) > ref.MAX_BYTES:
                raise ValueError("larger than 64 KiB")
            document = load(data.decode("utf-8"))
            if not isinstance(document, dict):
                raise ValueError("not a mapping")
            check(document)
            names(document)
        except Exception as exc:  # noqa: BLE001 - every problem is a rejection
            raise ValueError(reason(manifest_file(repo), exc)) from None

    return validate
