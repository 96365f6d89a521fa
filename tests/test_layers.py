"""The kit's layers are checked, not hoped for: import-linter holds the package to the contracts
stated once in pyproject.toml ([tool.importlinter]), and a planted upward import breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kaizen_conformance"

pytest.importorskip(
    "importlinter", reason="import-linter is in the test extra: pip install -e '.[test]'"
)


def lint_imports(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter as CI would, on the package found first on ``pythonpath``."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
            "--no-cache",
        ],
        cwd=cwd,
        env={"PYTHONPATH": str(pythonpath), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_package_keeps_its_layers() -> None:
    result = lint_imports(ROOT, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def copy_of_the_kit(tmp_path: Path) -> Path:
    copy = tmp_path / "tree"
    shutil.copytree(
        PACKAGE,
        copy / "kaizen_conformance",
        ignore=shutil.ignore_patterns("__pycache__", "fixtures"),
    )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


@pytest.mark.parametrize(
    ("module", "planted", "broken"),
    [
        # the contract data reaching up to the session: a layer violation
        (
            "contract/catalogue.py",
            "import kaizen_conformance.session.hooks",
            "Each layer imports only the layers below it",
        ),
        # an adapter reaching into the role that uses it: a layer violation
        (
            "adapters/resolver.py",
            "import kaizen_conformance.roles.resolver",
            "Each layer imports only the layers below it",
        ),
        # two modules of one package importing each other: a circle
        ("reports/summary.py", "import kaizen_conformance.reports.reporter", "No import circle"),
        # a reference implementation leaning on the checker
        (
            "reference/resolver.py",
            "import kaizen_conformance.cases.loading",
            "The reference implementations import no checking code",
        ),
        # the checker leaning on a reference implementation
        (
            "roles/prepare.py",
            "import kaizen_conformance.reference.prepare",
            "The checking code never leans on the reference",
        ),
    ],
)
def test_a_forbidden_import_breaks_the_contract(
    tmp_path: Path, module: str, planted: str, broken: str
) -> None:
    tree = copy_of_the_kit(tmp_path)
    path = tree / "kaizen_conformance" / module
    path.write_text(
        path.read_text(encoding="utf-8") + f"\n{planted}  # planted by the test\n", encoding="utf-8"
    )
    result = lint_imports(tree, tree)
    assert result.returncode == 1, result.stdout + result.stderr
    broken_section = " ".join(result.stdout.split("Broken contracts", 1)[-1].split())
    assert broken in broken_section, result.stdout
    assert planted.rsplit(".", 1)[-1] in broken_section, (
        result.stdout
    )  # the offending import is named
