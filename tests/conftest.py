from __future__ import annotations

import pytest

from kitrun import TESTS_DIR


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
