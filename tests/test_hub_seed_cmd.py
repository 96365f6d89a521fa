"""Seeding without Python: ``--kaizen-hub-seed-cmd``, tried on a hub written in Node, and the
CI recipe of docs/hub.md for a hub served by URL run as written."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from kitrun import run_kit

from kaizen_conformance.reference.hub import ReferenceHub, serve

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None, reason="node is not installed: the Node hub cannot run"
)
NODE_HUB = Path(__file__).parent / "consumers" / "node_hub"
DOCS = Path(__file__).parent.parent / "docs" / "hub.md"


@pytest.fixture
def node_hub() -> Iterator[str]:
    """The Node hub on an ephemeral 127.0.0.1 port, stopped at the test's end."""
    assert NODE is not None
    hub = subprocess.Popen(
        [NODE, str(NODE_HUB / "server.js"), "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert hub.stdout is not None
        port = int(hub.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        hub.terminate()
        hub.wait(10)


@needs_node
def test_a_node_hub_seeded_by_a_node_command_conforms(
    kit_pytester: pytest.Pytester, node_hub: str
) -> None:
    run = run_kit(
        kit_pytester,
        "-k",
        "HUB-",
        f"--kaizen-hub-url={node_hub}",
        f"--kaizen-hub-seed-cmd={NODE} {NODE_HUB / 'seed.js'} {{hub_url}}",
    )
    outcomes = run.role_outcomes("hub")
    assert outcomes and set(outcomes.values()) == {"passed"}, run.result.stdout.str()[-4000:]
    run.result.stdout.fnmatch_lines(["*= kaizen conformance =*", "  verdict: CONFORMS"])


SEED_SCRIPT = """
import json, sys, urllib.request
records = json.load(sys.stdin)
if any("23:59:60" in str(r.get("kaizen_schedule_updated_at")) for r in records) and "{mode}" == "leap":
    sys.exit("cannot store 2016-12-31T23:59:60Z: second must be in 0..59")
if "{mode}" == "broken":
    sys.exit("database is locked")
request = urllib.request.Request(sys.argv[1], data=json.dumps(records).encode(), method="PUT")
urllib.request.urlopen(request, timeout=5).close()
"""


@contextmanager
def admin_hub() -> Iterator[tuple[str, str]]:
    """The reference hub served on 127.0.0.1, and an admin URL whose PUT replaces its roster
    (the seed command's way in; the hub's own URL is {hub_url})."""
    hub = ReferenceHub()

    class Admin(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            hub.replace(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    admin = ThreadingHTTPServer(("127.0.0.1", 0), Admin)
    thread = threading.Thread(target=admin.serve_forever, daemon=True)
    thread.start()
    try:
        with serve(hub) as url:
            yield url, f"http://127.0.0.1:{admin.server_address[1]}/roster"
    finally:
        admin.shutdown()
        admin.server_close()


def seed_command(pytester: pytest.Pytester, mode: str, admin: str) -> str:
    pytester.makepyfile(**{f"seed_{mode}": SEED_SCRIPT.replace("{mode}", mode)})
    return f"--kaizen-hub-seed-cmd={sys.executable} seed_{mode}.py {admin}"


def test_a_seed_command_gets_the_records_on_stdin(kit_pytester: pytest.Pytester) -> None:
    with admin_hub() as (url, admin):
        run = run_kit(
            kit_pytester,
            "-k",
            "HUB- and mixed-fleet",
            f"--kaizen-hub-url={url}",
            seed_command(kit_pytester, "plain", admin),
        )
    outcomes = run.role_outcomes("hub")
    assert outcomes and set(outcomes.values()) == {"passed"}, run.result.stdout.str()[-3000:]


def test_a_seed_command_that_fails_everywhere_is_a_configuration_error(
    kit_pytester: pytest.Pytester,
) -> None:
    with admin_hub() as (url, admin):
        run = run_kit(
            kit_pytester,
            "-k",
            "HUB- and mixed-fleet",
            f"--kaizen-hub-url={url}",
            seed_command(kit_pytester, "broken", admin),
        )
    run.result.stdout.fnmatch_lines(
        [
            "*kaizen configuration error (not a verdict on the hub*",
            "*--kaizen-hub-seed-cmd=* (run for case mixed-fleet, the records on stdin) failed: exit 1*"
            "database is locked*",
            "*the seed failed on every case the kit tried*",
        ]
    )
    assert "CONFIGURATION ERROR" in run.result.stdout.str()


def test_a_seed_command_failing_on_a_valid_leap_second_is_the_hubs_failure(
    kit_pytester: pytest.Pytester,
) -> None:
    with admin_hub() as (url, admin):
        run = run_kit(
            kit_pytester,
            "-k",
            "HUB- and (timestamp-edges or mixed-fleet)",
            f"--kaizen-hub-url={url}",
            seed_command(kit_pytester, "leap", admin),
        )
    outcomes = run.role_outcomes("hub")
    assert outcomes["HUB-003[timestamp-edges]"] == "failed"
    assert outcomes["HUB-001[timestamp-edges]"] == "skipped"
    assert outcomes["HUB-003[mixed-fleet]"] == "passed"
    (failure,) = run.failures("HUB-003")
    assert "though the seed works for other cases" in failure.message
    assert re.search(
        r"a leap second \(valid: contract 7\.7\): edge/leap-second kaizen_schedule_updated_at "
        r'"2016-12-31T23:59:60Z"',
        failure.message,
    ), failure.message
    assert "configuration error" not in run.result.stdout.str()


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (
            ["--kaizen-hub-app=kaizen_conformance.reference.hub:app", "--kaizen-hub-seed-cmd=x"],
            "seeds a hub served at --kaizen-hub-url",
        ),
        (
            ["--kaizen-hub-url=http://127.0.0.1:9", "--kaizen-hub-seed-cmd=seed {hub}"],
            "unknown placeholder {hub}",
        ),
        (
            [
                "--kaizen-hub-url=http://127.0.0.1:9",
                "--kaizen-hub-seed-cmd=x {hub_url}",
                "--kaizen-hub-seed=kaizen_conformance.reference.hub:seed",
            ],
            "both seed the hub",
        ),
        (["--kaizen-hub-seed-cmd=x {hub_url}"], "no hub is configured"),
    ],
)
def test_seed_command_mistakes_are_usage_errors(
    pytester: pytest.Pytester, options: list[str], words: str
) -> None:
    result = pytester.runpytest("--pyargs", "kaizen_conformance", *options)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert words in result.stderr.str()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def recipe_script() -> str:
    """The script of docs/hub.md's CI job for a hub served by URL, as a CI runner would run it."""
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- recipe: state-hub-url -->", 1)[1].split("```yaml", 1)[1]
    job = yaml.safe_load(block.split("```", 1)[0])
    (script,) = [
        s["run"] for s in job["kaizen-conformance"]["steps"] if "hub-seed-cmd" in s.get("run", "")
    ]
    return str(script)


def run_recipe(
    tmp_path: Path, script: str, timeout: float
) -> tuple[subprocess.CompletedProcess[str], int]:
    """The recipe's script run by bash -e, as a CI runner runs it, beside a copy of the Node
    hub, on a free port, with this Python's scripts first on PATH; and the port it served on."""
    shutil.copytree(NODE_HUB, tmp_path / "hub")
    port = free_port()
    env = dict(os.environ, HUB_PORT=str(port))
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done, port


@needs_node
@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_ci_recipe_for_a_hub_served_by_url_runs_as_written(tmp_path: Path) -> None:
    started = time.monotonic()
    done, port = run_recipe(tmp_path, recipe_script(), timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "  verdict: CONFORMS" in done.stdout
    assert (tmp_path / "kaizen-report.json").is_file()
    assert time.monotonic() - started < 600
    # the hub was stopped with the script: its trap waits for the hub to go, so the port is closed
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


@needs_node
@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_ci_recipe_keeps_the_exit_status_of_a_failing_run(tmp_path: Path) -> None:
    """The stop-the-hub trap must not turn a red run green (or a green one red)."""
    script = recipe_script().replace("python -m pytest", "false && python -m pytest", 1)
    done, _ = run_recipe(tmp_path, script, timeout=120)
    assert done.returncode == 1
