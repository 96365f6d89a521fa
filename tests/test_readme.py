"""The README's CI recipes run exactly as written, against shims that stand in for each team's
package and delegate to the kit's reference implementations."""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
RECIPE = re.compile(r"<!-- recipe: (?P<name>[\w-]+) -->\n```yaml\n(?P<body>.*?)```", re.S)

TESTS_DIR = Path(__file__).resolve().parent

# kaizen-agentic's Typer app (tests/consumers/kaizen_agentic), as its package would hold it, and
# the console script pip would make for it: the recipe names the app with --kaizen-cli.
KAIZEN_AGENTIC_APP = f"""\
import sys

sys.path.insert(0, {str(TESTS_DIR)!r})
from consumers.kaizen_agentic.cli import app
"""
KAIZEN_AGENTIC_SCRIPT = """\
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kaizen_agentic.cli import app

sys.exit(app())
"""

# Stand-ins for the users' own packages and commands: path -> source (bin/ is put on PATH).
SHIMS = {
    "activity-core": {
        "activity_core/__init__.py": "",
        "activity_core/kaizen.py": "from kaizen_conformance.reference.resolver import resolve_v2 as discover_kaizen_scheduled_repos\n",
    },
    "kaizen-agentic": {
        "kaizen_agentic/__init__.py": "",
        "kaizen_agentic/cli.py": KAIZEN_AGENTIC_APP,
        "bin/kaizen-agentic": f"#!{sys.executable}\n" + KAIZEN_AGENTIC_SCRIPT,
    },
    "state-hub": {
        "state_hub/__init__.py": "",
        "state_hub/main.py": "from kaizen_conformance.reference.hub import app\n",
        "tests/__init__.py": "",
        "tests/kaizen.py": "from kaizen_conformance.reference.hub import seed\n",
    },
}


def recipes() -> dict[str, str]:
    found = {
        m.group("name"): m.group("body")
        for m in RECIPE.finditer(README.read_text(encoding="utf-8"))
    }
    assert found, "README has no <!-- recipe: NAME --> blocks"
    return found


def pytest_line(body: str) -> list[str]:
    lines = [
        line.strip().removeprefix("- run: ") for line in body.splitlines() if "run: pytest " in line
    ]
    assert len(lines) == 1, f"a recipe has exactly one pytest line, not {lines}"
    return shlex.split(lines[0])


def test_every_recipe_has_shims() -> None:
    assert set(recipes()) == set(SHIMS)


@pytest.mark.parametrize("name", sorted(SHIMS))
def test_recipe_runs_as_written(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    for path, source in SHIMS[name].items():
        target = pytester.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source)
        target.chmod(0o755)
    monkeypatch.setenv("PATH", f"{pytester.path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    argv = pytest_line(recipes()[name])
    assert argv[0] == "pytest"
    result = pytester.run(sys.executable, "-m", *argv, "-p", "no:cacheprovider")
    assert result.ret == 0, result.stdout.str()[-3000:]
    result.stdout.fnmatch_lines(["*verdict: CONFORMS*"])
    result.stdout.no_fnmatch_line("*verdict: INCOMPLETE*")
    result.stdout.no_fnmatch_line("*verdict: DOES NOT CONFORM*")
