from __future__ import annotations

import pytest

from kitrun import TESTS_DIR


@pytest.fixture
def kit_pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """pytester whose runs can import the mutants (``mutants.<role>.<name>``), in-process or not."""
    pytester.syspathinsert(TESTS_DIR)
    monkeypatch.setenv("PYTHONPATH", str(TESTS_DIR))
    return pytester
