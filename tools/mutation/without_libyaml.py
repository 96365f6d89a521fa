"""A pytest plugin for the mutation run only: PyYAML as it is where it was built without libyaml.

Loaded with ``-p without_libyaml`` (``tools/mutation`` on ``PYTHONPATH``), which pytest imports
before the kit's own plugin, so before anything imports ``yaml``. The manifest reader takes a
different road without libyaml (one reader instead of two; the text that only libyaml reads is
named from the text itself), and the contract asks for the same verdicts on both roads: the
judge runs the reader's suites both ways, so a mutant on either road can be told apart.
"""

from __future__ import annotations

import importlib.abc
import sys
from importlib.machinery import ModuleSpec
from typing import Any


class _NoLibyaml(importlib.abc.MetaPathFinder):
    """Refuses PyYAML's libyaml binding, as an import of a PyYAML built without it fails."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name in ("yaml._yaml", "_yaml"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


if "yaml" in sys.modules:  # too late to hide libyaml: say so rather than judge with it
    raise ImportError("without_libyaml must be loaded before anything imports yaml")
sys.meta_path.insert(0, _NoLibyaml())


def pytest_configure() -> None:
    """Fail the run, not the judgement, if libyaml is still reachable."""
    import yaml

    if hasattr(yaml, "CSafeLoader"):
        raise RuntimeError("without_libyaml: yaml.CSafeLoader is still there")
