"""The offline sandbox for any language: the seccomp socket filter, the fallbacks, and the record.

A prepare command that reaches a listener the test opens (on 127.0.0.1, or a unix-domain socket
on the host file system) must not get through, whatever its language, with or without the
network namespace; the reports say which enforcement applied; and a run that demands a sandbox
the machine cannot give (``--kaizen-require-offline-sandbox``) is a configuration error.
"""

from __future__ import annotations

import json
import shlex
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from kitrun import KitRun, command_option, run_kit

from kaizen_conformance.runtime import nosockets, sandbox
from kaizen_conformance.runtime.commands import run_command

needs_filter = pytest.mark.skipif(
    not nosockets.socket_filter_available(),
    reason="this machine refuses seccomp filters (prctl PR_SET_SECCOMP): nothing to check here",
)
REFERENCE_CMD = f"{shlex.quote(sys.executable)} -m kaizen_conformance.reference.prepare"
ONE_CASE = ("-k", "PRE-005 and minimal", "--kaizen-allow-incomplete")


# --------------------------------------------------------------------------- the filter itself

FAMILIES = """
import socket
for name in ("AF_INET", "AF_INET6", "AF_UNIX", "AF_PACKET", "AF_NETLINK"):
    kind = socket.SOCK_RAW if name in ("AF_PACKET", "AF_NETLINK") else socket.SOCK_STREAM
    try:
        socket.socket(getattr(socket, name), kind).close()
        print(name, "allowed")
    except OSError as exc:
        print(name, exc.errno)
a, b = socket.socketpair()
a.sendall(b"x")
print("socketpair", b.recv(1).decode())
"""


@needs_filter
def test_the_filter_refuses_every_family_but_netlink_and_leaves_socketpair() -> None:
    outcome = run_command([sys.executable, "-I", "-c", FAMILIES], limit=20, deny_sockets=True)
    assert outcome.ok, outcome.describe()
    lines = outcome.stdout.decode().splitlines()
    assert lines == [
        "AF_INET 13",  # EACCES
        "AF_INET6 13",
        "AF_UNIX 13",
        "AF_PACKET 13",
        "AF_NETLINK allowed",
        "socketpair x",
    ]


@needs_filter
def test_the_filter_is_inherited_by_what_the_command_starts() -> None:
    outcome = run_command(
        ["bash", "-c", f"{shlex.quote(sys.executable)} -I -c {shlex.quote(FAMILIES)}"],
        limit=20,
        deny_sockets=True,
    )
    assert outcome.stdout.decode().splitlines()[0] == "AF_INET 13", outcome.describe()


def test_the_filter_has_only_forward_jumps_on_every_known_machine() -> None:
    for machine in nosockets.ABIS:
        instructions = nosockets.program(machine)
        for index, (code, jt, jf, _k) in enumerate(instructions):
            if code == nosockets.BPF_JMP_JEQ_K:
                assert index + 1 + max(jt, jf) < len(instructions), (machine, index)
        assert instructions[-1][3] == nosockets.SECCOMP_RET_KILL_PROCESS


# --------------------------------------------------------------------------- listeners


@contextmanager
def tcp_listener() -> Iterator[tuple[int, socket.socket]]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    try:
        yield server.getsockname()[1], server
    finally:
        server.close()


@contextmanager
def unix_listener(path: Path) -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(8)
    server.setblocking(False)
    try:
        yield server
    finally:
        server.close()


def connections(server: socket.socket) -> int:
    """How many connections reached the listener (accepted by the kernel, waiting for us)."""
    count = 0
    while True:
        try:
            peer, _ = server.accept()
        except BlockingIOError:
            return count
        peer.close()
        count += 1


def prepare_script(directory: Path, before: str) -> str:
    """A prepare command: a bash script that runs ``before``, then the reference prepare."""
    script = directory / "prepare.sh"
    script.write_text(f'#!/bin/bash\n{before}\nexec {REFERENCE_CMD} "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return f"--kaizen-prepare-cmd={script} {{agent}} {{repo}}"


def report(run: KitRun, path: Path) -> dict:
    assert path.exists(), run.result.stdout.str()[-3000:]
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- any language, no namespace


@needs_filter
@pytest.mark.parametrize(
    "attempt",
    [
        "(echo hello >/dev/tcp/127.0.0.1/{port}) 2>/dev/null",
        f"{shlex.quote(sys.executable)} -I -c "
        '\'import socket; socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"hi")\' '
        "2>/dev/null",
    ],
    ids=["bash-dev-tcp", "python-isolated"],
)
def test_without_a_namespace_a_command_in_any_language_reaches_no_listener(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, attempt: str
) -> None:
    monkeypatch.setenv(sandbox.NO_NETNS_ENV, "1")
    with tcp_listener() as (port, server):
        option = prepare_script(kit_pytester.path, attempt.format(port=port))
        run = run_kit(kit_pytester, option, *ONE_CASE, "--kaizen-report=r.json")
        reached = connections(server)
    assert reached == 0, "the command reached the kit's listener on 127.0.0.1"
    enforcement = report(run, kit_pytester.path / "r.json")["roles"]["prepare"]["enforcement"]
    assert enforcement["network"] == "seccomp", enforcement
    # the refused socket() of a program the hook does not watch leaves no attempt to name: the
    # rule holds (nothing was reached), and the verdict line carries no audit-hook-only note
    run.result.stdout.fnmatch_lines(["prepare (contract *", "  verdict: *"])
    assert sandbox.AUDIT_HOOK_ONLY not in run.result.stdout.str()


@needs_filter
def test_a_python_command_creating_a_raw_socket_is_still_named_under_the_filter(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """socket() fails before any connect, so the injected hook records the socket's creation."""
    monkeypatch.setenv(sandbox.NO_NETNS_ENV, "1")
    attempt = (
        f"{shlex.quote(sys.executable)} -c 'import socket\ntry:\n socket.socket()\n"
        "except OSError:\n pass' "
    )
    run = run_kit(kit_pytester, prepare_script(kit_pytester.path, attempt), *ONE_CASE)
    failed = run.failures("PRE-005")
    assert failed, run.result.stdout.str()[-3000:]
    assert "socket.__new__(family=2)" in failed[0].message
    assert "seccomp socket filter" in failed[0].message


# --------------------------------------------------------------------------- host unix sockets


@needs_filter
def test_a_host_unix_socket_is_unreachable_from_inside_the_sandbox(
    kit_pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # short: a unix socket path is limited to 107 bytes
    path = tmp_path_factory.mktemp("unix", numbered=True) / "s"
    attempt = (
        f"{shlex.quote(sys.executable)} -I -c 'import socket; s = socket.socket(socket.AF_UNIX); "
        f's.connect("{path}"); s.sendall(b"hi")\' 2>/dev/null'
    )
    with unix_listener(path) as server:
        run = run_kit(kit_pytester, prepare_script(kit_pytester.path, attempt), *ONE_CASE)
        reached = connections(server)
    assert reached == 0, "the command reached a unix-domain socket on the host"
    assert run.role_items("prepare"), run.result.stdout.str()[-3000:]


# --------------------------------------------------------------------------- the record


def test_the_reports_say_how_prepare_was_held_offline_command_and_callable(
    kit_pytester: pytest.Pytester,
) -> None:
    command = run_kit(
        kit_pytester,
        command_option("prepare", "kaizen_conformance.reference.prepare"),
        *ONE_CASE,
        "--kaizen-report=cmd.json",
        "--kaizen-report-md=cmd.md",
    )
    expected = sandbox.enforcement_for("command")
    assert report(command, kit_pytester.path / "cmd.json")["roles"]["prepare"]["enforcement"] == (
        expected
    )
    markdown = (kit_pytester.path / "cmd.md").read_text(encoding="utf-8")
    assert f"Offline enforcement: {expected['network']}: {expected['note']}." in markdown
    command.result.stdout.fnmatch_lines(
        [f"kaizen prepare offline enforcement (PRE-005): {expected['network']}: *"]
    )

    callable_run = run_kit(
        kit_pytester,
        "--kaizen-prepare=kaizen_conformance.reference.prepare:prepare",
        *ONE_CASE,
        "--kaizen-report=call.json",
        "--kaizen-report-md=call.md",
    )
    enforcement = report(callable_run, kit_pytester.path / "call.json")["roles"]["prepare"][
        "enforcement"
    ]
    assert enforcement["network"] == "in-process"
    assert "respx" in enforcement["note"]
    assert "Offline enforcement: in-process: " in (kit_pytester.path / "call.md").read_text(
        encoding="utf-8"
    )


@pytest.fixture
def no_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kit as on a runner that allows neither a network namespace nor seccomp filters."""
    monkeypatch.setenv(sandbox.NO_NETNS_ENV, "1")
    monkeypatch.setenv(sandbox.NO_SECCOMP_ENV, "1")


@pytest.mark.usefixtures("no_sandbox")
def test_with_neither_sandbox_the_verdict_says_the_audit_hook_alone_judged(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        command_option("prepare", "kaizen_conformance.reference.prepare"),
        *ONE_CASE,
        "--kaizen-report=r.json",
        "--kaizen-report-md=r.md",
    )
    data = report(run, kit_pytester.path / "r.json")
    assert data["roles"]["prepare"]["enforcement"]["network"] == "audit-hook-only"
    run.result.stdout.fnmatch_lines(
        ["  verdict: * (offline rules judged by the Python audit hook only)"]
    )
    run.result.stdout.fnmatch_lines(
        ["kaizen prepare offline enforcement (PRE-005): audit-hook-only: *"]
    )
    markdown = (kit_pytester.path / "r.md").read_text(encoding="utf-8")
    assert "### prepare: " in markdown
    assert "(offline rules judged by the Python audit hook only)" in markdown


@pytest.mark.usefixtures("no_sandbox")
def test_requiring_a_sandbox_the_machine_cannot_give_is_a_configuration_error(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        kit_pytester,
        command_option("prepare", "kaizen_conformance.reference.prepare"),
        *ONE_CASE,
        "--kaizen-require-offline-sandbox",
        "--kaizen-report=r.json",
    )
    data = report(run, kit_pytester.path / "r.json")
    assert data["roles"]["prepare"]["verdict"] == "configuration-error"
    error = data["roles"]["prepare"]["configuration_error"]
    assert "--kaizen-require-offline-sandbox" in error
    assert "unshare --net" in error and "seccomp" in error
    assert run.result.ret == 1


def test_the_ini_twin_demands_the_sandbox_too_and_a_callable_is_no_error(
    kit_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sandbox.NO_NETNS_ENV, "1")
    monkeypatch.setenv(sandbox.NO_SECCOMP_ENV, "1")
    kit_pytester.makeini("[pytest]\nkaizen_require_offline_sandbox = true\n")
    run = run_kit(
        kit_pytester,
        command_option("validate", "kaizen_conformance.reference.manifest_tools validate"),
        "--kaizen-list=kaizen_conformance.reference.manifest_tools:list_agents",
        "-k",
        "VAL-003 or LST-003",
        "--kaizen-allow-incomplete",
        "--kaizen-report=r.json",
    )
    roles = report(run, kit_pytester.path / "r.json")["roles"]
    assert roles["validate"]["verdict"] == "configuration-error"
    assert "ini kaizen_require_offline_sandbox" in roles["validate"]["configuration_error"]
    assert roles["list"]["verdict"] != "configuration-error"
    assert roles["list"]["enforcement"]["network"] == "in-process"
