"""Where the session keeps its state on pytest's config and items (typed ``StashKey``s).

Reports and the suite read the settings and each item's check from here, so no layer has to
import the session that put them there.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kaizen_conformance.core.checks import Check
from kaizen_conformance.core.settings import Settings

SETTINGS = pytest.StashKey[Settings]()
MEMO = pytest.StashKey[dict[Any, Any]]()
CHECK = pytest.StashKey[Check]()
# On an exploration item (``explore[resolver]``): the role it explores.
EXPLORE = pytest.StashKey[str]()


def settings_of(config: pytest.Config) -> Settings:
    return config.stash[SETTINGS]


# Set at configure, in the controller, when a role is configured: the end check of the kit's own
# files (the paths changed since the run started), and what the reports carry about the kit's
# data as it was before any implementation ran (fixtures and catalogue digests).
KIT_CHANGES = pytest.StashKey[Callable[[], list[str]]]()
START_DIGESTS = pytest.StashKey[dict[str, Any]]()
