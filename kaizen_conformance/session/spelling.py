"""Mistyped kaizen options: a "did you mean" instead of pytest's bare refusal or a warning.

A flag pytest does not know (``--kaizen-resolvr``) would stop the run with "unrecognized
arguments"; an ini key it does not know (``kaizen_resolvr = ...``) only warns, and the role
silently stays unconfigured. Both are usage errors here, naming the closest options.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pytest

from kaizen_conformance.core.options import OPTIONS

PREFIX_FLAG = "--kaizen-"
PREFIX_INI = "kaizen_"


def suggestion(word: str, known: Iterable[str]) -> str:
    """ "; did you mean X?" (or "X or Y?") for the closest known names, or "" when none is close."""
    close = difflib.get_close_matches(word, sorted(known), n=2, cutoff=0.6)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def check_flags(args: Iterable[str]) -> None:
    """Refuse a ``--kaizen-*`` argument that is no option of the kit, naming the closest."""
    known = {option.flag for option in OPTIONS}
    for arg in args:
        if arg == "--":
            return
        flag = arg.split("=", 1)[0]
        if flag.startswith(PREFIX_FLAG) and flag not in known:
            raise pytest.UsageError(
                f"{flag} is not a kaizen-conformance option{suggestion(flag, known)} "
                "(pytest --help lists them under 'kaizen-conformance')"
            )


def check_ini(config: pytest.Config) -> None:
    """Refuse a ``kaizen_*`` key of the ini file that is no option of the kit, naming the closest."""
    known = {option.ini for option in OPTIONS}
    where = config.inipath.name if config.inipath else "the ini file"
    # pytest's own list of the ini keys nobody registered (what its "Unknown config option"
    # warning reads); without it (an older or newer pytest), the warning still comes.
    unknown: set[str] = getattr(config, "_get_unknown_ini_keys", set)()
    for key in sorted(unknown):
        if key.startswith(PREFIX_INI):
            raise pytest.UsageError(
                f"ini option {key} (in {where}) is not a kaizen-conformance option"
                f"{suggestion(key, known)} (pytest --help lists them under '[pytest] ini-options')"
            )
