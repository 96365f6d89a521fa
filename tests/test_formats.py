"""The kit's schema verdicts do not depend on what else is installed.

jsonschema checks ``format`` only with optional packages (``rfc3339-validator``, ``rfc3987``,
...), each with its own grammar. The kit checks every format its schemas use itself
(``contract/formats.py``); these tests prove the verdicts are the kit's, and the same in a
process where none of those packages can be imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from kaizen_conformance import contract
from kaizen_conformance.contract.formats import ecma_pattern, is_uri, is_uri_reference

OPTIONAL_FORMAT_PACKAGES = (
    "rfc3339_validator",
    "rfc3987",
    "rfc3987_syntax",
    "fqdn",
    "idna",
    "jsonpointer",
    "uri_template",
    "webcolors",
    "isoduration",
)


def event(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "specversion": "1.0",
        "type": "kaizen.schedule.prepared",
        "source": "kaizen-agentic",
        "id": "0f8e2a4c-1b7d-4e7a-9c2e-5d4f3a2b1c0d",
        "time": "2026-06-17T06:19:51Z",
        "subject": "coach",
        "datacontenttype": "application/json",
        "data": {
            "agent": "coach",
            "cadence": "weekly",
            "repo": {"root": "/srv/repos/fleet", "head": None},
            "prompt": {
                "path": ".kaizen/agents/coach/prompt.md",
                "sha256": "0" * 64,
                "bytes": 3,
            },
            "memory": [],
            "metrics": None,
        },
    }
    base.update(changes)
    return base


# (schema, instance, valid): each probe names a verdict the kit must give everywhere.
PROBES: list[tuple[str, Any, bool]] = [
    ("prepared-event", event(), True),
    ("prepared-event", event(time="2016-12-31T23:59:60Z"), True),  # a real leap second
    ("prepared-event", event(time="2016-12-31T22:59:60-01:00"), True),
    ("prepared-event", event(time="2016-12-31T12:00:60Z"), False),
    ("prepared-event", event(time="2026-02-30T00:00:00Z"), False),
    ("prepared-event", event(source="kaizen%zz"), False),
    ("prepared-event", event(source=":kaizen"), False),
    ("prepared-event", event(source="/kaizen/agentic"), True),
    ("prepared-event", event(source="urn:kaizen:agentic"), True),
    ("prepared-event", event(source="https://[fe80::1%25eth0]/"), False),
    ("prepared-event", event(dataschema="schemas/prepared.json"), False),
    ("prepared-event", event(dataschema="https://example.org/prepared.json"), True),
    ("prepared-event", event(subject="coach\n"), False),
    ("manifest", {"version": 1, "agents": [{"name": "coach", "cadence": "daily"}]}, True),
    ("manifest", {"version": 1, "agents": [{"name": "coach\n", "cadence": "daily"}]}, False),
]


def verdicts() -> list[bool]:
    return [contract.validator(name).is_valid(instance) for name, instance, _ in PROBES]


def test_the_kit_gives_its_own_verdicts() -> None:
    wrong = [
        (name, instance, valid)
        for (name, instance, valid), got in zip(PROBES, verdicts(), strict=True)
        if got != valid
    ]
    assert not wrong


BLOCKER = """
import importlib.abc, sys
BLOCKED = set({blocked!r})
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Blocker())
"""


def test_the_same_verdicts_without_the_optional_format_packages(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        BLOCKER.format(blocked=OPTIONAL_FORMAT_PACKAGES), encoding="utf-8"
    )
    script = textwrap.dedent(
        """
        import json, sys
        for name in {blocked!r}:
            try:
                __import__(name)
            except ImportError:
                pass
            else:
                sys.exit(f"{{name}} is still importable")
        sys.path.insert(0, {tests!r})
        import test_formats
        print(json.dumps(test_formats.verdicts()))
        """
    ).format(blocked=OPTIONAL_FORMAT_PACKAGES, tests=str(Path(__file__).parent))
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == verdicts()


@pytest.mark.parametrize(
    ("value", "uri", "reference"),
    [
        ("https://example.org/a/b?c=d#e", True, True),
        ("urn:isbn:0451450523", True, True),
        ("mailto:someone@example.org", True, True),
        ("http://[::1]:8080/", True, True),
        ("http://[v7.abc]/", True, True),
        ("http://[::1%eth0]/", False, False),  # RFC 3986 has no zone id
        ("http://[not-an-address]/", False, False),
        ("kaizen-agentic", False, True),
        ("/kaizen/agentic", False, True),
        ("//host/path", False, True),
        ("", False, True),
        ("?query", False, True),
        ("kaizen%zz", False, False),
        ("kaizen%2Fagentic", False, True),
        (":kaizen", False, False),  # a first segment with ':' is a scheme, and '' is none
        ("a b", False, False),
        ("1http://x", False, False),
        ("http://x/\n", False, False),
    ],
)
def test_rfc_3986(value: str, uri: bool, reference: bool) -> None:
    assert (is_uri(value), is_uri_reference(value)) == (uri, reference)


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("^[a-z]+$", "coach", True),
        ("^[a-z]+$", "coach\n", False),
        ("^[$a]+$", "$a", True),
        ("^(?!x$)[a-z]+$", "x\n", False),
        ("^a.c$", "a\nc", False),
        ("^a.c$", "a\rc", False),
        ("^a.c$", "abc", True),
        ("^[^\\]]$", "a", True),
    ],
)
def test_patterns_have_their_ecma_262_meaning(pattern: str, text: str, matches: bool) -> None:
    import re

    assert (re.search(ecma_pattern(pattern), text) is not None) is matches
