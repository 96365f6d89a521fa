from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml  # noqa: F401 - before pytester snapshots sys.modules
from kitrun import TESTS_DIR

from kaizen_conformance.cases import locations
from kaizen_conformance.cases.loading import FIXTURES_ENV

# pytester's in-process runs drop the modules they imported afterwards. A yaml imported first
# inside such a run would be imported anew by the next run, while the kit's cached loaders
# keep the old one's classes: importing it here keeps one yaml for the whole session.


@pytest.fixture
def kit_pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """pytester whose runs can import the mutants (``mutants.<role>.<name>``), in-process or not."""
    pytester.syspathinsert(TESTS_DIR)
    monkeypatch.setenv("PYTHONPATH", str(TESTS_DIR))
    return pytester


@pytest.fixture(autouse=True)
def _not_an_xdist_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kit's own tests may run under -n 2; the runs they start must not think they are workers."""
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fixtures_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The prepare fixtures copied to a scratch tree the kit reads instead (so tests may break them)."""
    root = tmp_path / "fixtures"
    shutil.copytree(locations.fixtures_dir() / "prepare", root / "prepare", symlinks=True)
    for other in locations.fixtures_dir().iterdir():
        if other.name != "prepare":
            (root / other.name).symlink_to(other)
    monkeypatch.setenv(FIXTURES_ENV, str(root))
    return root / "prepare"
