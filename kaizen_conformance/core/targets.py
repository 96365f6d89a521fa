"""Turning a ``module:attribute`` option into the object it names, with an error that says the fix.

Options stay strings until the kit's suite runs (picklable for pytest-xdist workers); the
session loads them once, and the settings keep what was loaded.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any


class TargetError(Exception):
    """A ``module:attribute`` option that does not name a usable object."""


def load_target(spec: str, *, search: tuple[Path, ...] = ()) -> Any:
    """Import ``module:attribute``, as ``python -m pytest`` would from the current directory."""
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        extra = [str(p) for p in search if str(p) not in sys.path]
        if exc.name and module_name.startswith(exc.name) and extra:
            sys.path.extend(extra)
            return load_target(spec)
        raise TargetError(
            f"cannot import module {module_name!r}: {exc}. Install the package under test "
            "(pip install -e .) or run from the directory that contains it"
        ) from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - the user's module may fail on import
        # SystemExit too: a module that parses sys.argv (argparse) on import exits pytest's
        # argv; it is a usage error naming the option, never an INTERNALERROR
        hint = (
            " (the module ends the program on import: it probably runs its command line at import "
            "time; guard that with `if __name__ == '__main__':`)"
            if isinstance(exc, SystemExit)
            else ""
        )
        raise TargetError(
            f"importing module {module_name!r} raised {type(exc).__name__}: {exc}{hint}"
        ) from None
    value: Any = module
    for part in attribute.split("."):
        if not hasattr(value, part):
            candidates = sorted(
                n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n))
            )
            raise TargetError(
                f"module {module_name!r} has no attribute {attribute!r}"
                + (f"; callables there: {', '.join(candidates[:12])}" if candidates else "")
            )
        value = getattr(value, part)
    return value
