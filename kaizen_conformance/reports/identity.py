"""Who was checked: the implementation's name and version, as the reports carry them.

A fleet page (``kaizen-conformance compare``) puts many teams' reports side by side; a column
needs a name people recognise and, where there is one, the version or commit that was checked.
``--kaizen-implementation-name`` / ``--kaizen-implementation-version`` say so outright; without
them the name comes from the target itself, so that an older CI line still gives a useful column.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import shlex
from functools import cache
from importlib import metadata
from pathlib import PurePath
from typing import Any

from kaizen_conformance import __version__

REFERENCE_NAME = "kaizen-conformance reference"


def default_name(kind: str, spec: str, *, reference: bool) -> str:
    """The name a target gives itself: its module for ``module:attr``, the program (or the
    ``-m`` module) for a command, the URL for a running hub."""
    if reference:
        return REFERENCE_NAME
    if kind in ("callable", "app"):
        return spec.partition(":")[0]
    if kind == "command":
        try:
            words = shlex.split(spec)
        except ValueError:
            words = spec.split()
        if not words:
            return spec
        program = PurePath(words[0]).name
        if program.startswith("python") and len(words) > 2 and words[1] == "-m":
            return words[2]
        if program.startswith("python") and len(words) > 1:
            return PurePath(words[1]).name
        return program
    return spec


@cache
def installed_version(module: str) -> str | None:
    """The installed version of the distribution that provides ``module``'s top-level package."""
    top = module.split(".")[0]
    try:
        distributions = metadata.packages_distributions().get(top, [])
        return metadata.version(distributions[0]) if distributions else None
    except (metadata.PackageNotFoundError, OSError, ValueError):
        return None


def identity(target: Any, options: Any) -> dict[str, str | None]:
    """``name`` and ``version`` of a role's target (a ``RoleTarget``), options first."""
    reference = bool(target.is_reference)
    name = options.implementation_name or default_name(
        target.kind, target.spec, reference=reference
    )
    version = options.implementation_version
    if version is None:
        if reference:
            version = __version__
        elif target.kind in ("callable", "app"):
            version = installed_version(target.spec.partition(":")[0])
    return {"name": name, "version": version}
