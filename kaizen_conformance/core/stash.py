"""Where the session keeps its state on pytest's config and items (typed ``StashKey``s).

Reports and the suite read the settings and each item's check from here, so no layer has to
import the session that put them there.
"""

from __future__ import annotations

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
