"""Where the kit's data lives, installed or in a source checkout.

The wheel carries the golden fixtures inside the package (``kaizen_conformance/fixtures``);
a source checkout keeps them at the top of the tree, where contributors edit them.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # kaizen_conformance/


@cache
def fixtures_dir() -> Path:
    """The golden fixture directory of this installation."""
    for candidate in (PACKAGE_DIR / "fixtures", PACKAGE_DIR.parent / "fixtures"):
        if (candidate / "manifests" / "corpus.yml").is_file():
            return candidate
    raise FileNotFoundError(
        f"kaizen-conformance: no golden fixtures next to {PACKAGE_DIR}; "
        "reinstall the kit (pip install --force-reinstall kaizen-conformance)"
    )


def is_source_checkout() -> bool:
    """True when the kit runs from its own source tree (fixtures are editable there)."""
    return fixtures_dir() == PACKAGE_DIR.parent / "fixtures"
