"""The kit's own modules are never assertion-rewritten: its verdicts do not rest on bare assert.

pytest rewrites every module of a ``pytest11`` plugin package on import; where the rewrite
cache cannot be written (``PYTHONDONTWRITEBYTECODE=1``, as in many CI images) that work is
redone on every run. Each module of the package carries pytest's documented
``PYTEST_DONT_REWRITE`` marker in its docstring, which turns the rewrite off module by module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kaizen_conformance

PACKAGE = Path(kaizen_conformance.__file__).parent


def test_every_module_of_the_kit_carries_the_marker() -> None:
    missing = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "PYTEST_DONT_REWRITE" not in (ast.get_docstring(ast.parse(path.read_text())) or "")
    ]
    assert not missing, f"modules without PYTEST_DONT_REWRITE in their docstring: {missing}"


def test_pytests_own_rewriter_leaves_every_module_of_the_kit_as_it_is() -> None:
    """What pytest does to a module of a plugin package installed from a wheel (an editable
    install is not marked for rewriting at all, so a run here would prove nothing)."""
    from _pytest.assertion.rewrite import rewrite_asserts

    rewritten = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_bytes()
        tree = ast.parse(source)
        before = ast.dump(tree)
        rewrite_asserts(tree, source, str(path), None)
        if ast.dump(tree) != before:
            rewritten.append(str(path.relative_to(PACKAGE)))
    assert not rewritten, f"pytest would rewrite: {rewritten}"
