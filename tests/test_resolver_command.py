"""Any-language resolvers: the command adapter of contract section 5 and the loopback hub double.

One definition of the mocked hub (``HubDouble.respond``), two transports: what respx answers
in-process, the loopback server answers over a real socket on 127.0.0.1, fault for fault.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from kitrun import run_kit

from kaizen_conformance.hubdouble.responder import HubDouble
from kaizen_conformance.hubdouble.server import LoopbackHub
from kaizen_conformance.hubdouble.transport import respx_transport

RECORDS = [
    {
        "slug": "custodian/alpha",
        "domain": "custodian",
        "host_paths": {"runner-01": "/srv/alpha"},
        "kaizen_schedule_enabled": True,
    },
    {
        "slug": "custodian/beta",
        "domain": "custodian",
        "host_paths": {"runner-01": "/srv/beta"},
        "kaizen_schedule_enabled": True,
    },
]
FAULTS: list[dict[str, Any] | None] = [
    None,
    {"kind": "status", "status": 503},
    {"kind": "not-json"},
    {"kind": "not-array", "body": "null"},
    {"kind": "cut-off", "after_records": 1},
    {"kind": "redirect-loop", "status": 307},
    {"kind": "disconnect"},
    {"kind": "refuse"},
    {"kind": "stall"},
]
REFERENCE_CMD = "python -m kaizen_conformance.reference.resolver {hub_url} {hostname} {domain}"


@pytest.fixture(scope="module")
def loopback() -> Any:
    with LoopbackHub(stall_cap=5) as hub:
        yield hub


def observe(client: httpx.Client, url: str) -> tuple[Any, ...]:
    """What a client sees: (status, body, location tail) or the class of the error it gets."""
    try:
        response = client.get(url + "/repos/", params={"kaizen_schedule_enabled": "true"})
    except httpx.HTTPError as exc:
        return (type(exc).__name__,)
    location = response.headers.get("location", "")
    return (
        response.status_code,
        response.content,
        location[location.find("/repos/") :] if location else "",
    )


@pytest.mark.parametrize("follow", [False, True], ids=["no-redirects", "follow-redirects"])
@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f["kind"] if f else "ok")
def test_server_and_respx_render_every_fault_alike(
    loopback: LoopbackHub, fault: Any, follow: bool
) -> None:
    seen = []
    for transport in ("respx", "server"):
        double = HubDouble(list(RECORDS), fault=fault)
        # a stalled double costs this much per server run; less would time out answers a loaded
        # machine is merely slow to give
        with httpx.Client(timeout=2, follow_redirects=follow) as client:
            if transport == "respx":
                base = "http://127.0.0.1:9"
                with respx_transport(double, base, stall_limit=5):
                    seen.append(observe(client, base))
            else:
                with loopback.mount(double) as base:
                    seen.append(observe(client, base))
        seen.append([(r.method, r.path, dict(r.query)) for r in double.requests])
    respx_answer, respx_requests, server_answer, server_requests = seen
    assert respx_answer == server_answer
    if fault is None or fault["kind"] != "refuse":  # a refused connection reaches no double
        assert respx_requests == server_requests


def test_a_cut_off_body_carries_the_first_records_whole(loopback: LoopbackHub) -> None:
    with (
        loopback.mount(
            HubDouble(list(RECORDS), fault={"kind": "cut-off", "after_records": 1})
        ) as base,
        socket.create_connection(("127.0.0.1", loopback.port), timeout=2) as connection,
    ):
        path = base.removeprefix(loopback.url)
        connection.sendall(f"GET {path}/repos/ HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        raw = b""
        while chunk := connection.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    announced = int(
        next(
            line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        ).split(b":")[1]
    )
    assert len(body) < announced
    assert json.loads(body.decode().removeprefix("[").rstrip(", ")) == RECORDS[0]


def test_a_stale_request_never_reaches_the_next_cases_double(loopback: LoopbackHub) -> None:
    first, second = HubDouble(list(RECORDS)), HubDouble(list(RECORDS))
    with loopback.mount(first) as old_url:
        pass
    with loopback.mount(second) as new_url:
        answer = httpx.get(old_url + "/repos/", timeout=2)
    assert old_url != new_url
    assert answer.status_code == 404 and "is over" in answer.json()["detail"]
    assert first.requests == [] and second.requests == []


def test_a_request_outside_every_base_url_is_kept_as_evidence(loopback: LoopbackHub) -> None:
    mark = loopback.stray_mark()
    with loopback.mount(HubDouble(list(RECORDS))):
        answer = httpx.get(loopback.url + "/repos/", timeout=2)
    assert answer.status_code == 404
    assert [(s.method, s.path) for s in loopback.strays_since(mark)] == [("GET", "/repos/")]


def test_every_method_reaches_the_double(loopback: LoopbackHub) -> None:
    double = HubDouble(list(RECORDS))
    with loopback.mount(double) as base:
        for method in ("POST", "PUT", "DELETE", "PATCH", "PROPFIND"):
            httpx.request(method, base + "/repos/", content=b"{}", timeout=2)
    assert [r.method for r in double.requests] == ["POST", "PUT", "DELETE", "PATCH", "PROPFIND"]


def test_stop_releases_stalls_closes_idle_connections_and_frees_both_ports() -> None:
    before = set(threading.enumerate())
    hub = LoopbackHub(stall_cap=60, idle_timeout=60).start()
    stalled = HubDouble(list(RECORDS), fault={"kind": "stall"})
    refused = HubDouble(list(RECORDS), fault={"kind": "refuse"})
    errors: list[str] = []
    with hub.mount(refused) as refused_url:
        pass
    mount = hub.mount(stalled)
    base = mount.__enter__()
    waiter = threading.Thread(
        target=lambda: errors.append(observe(httpx.Client(timeout=None), base)[0])
    )
    waiter.start()
    idle = socket.create_connection(("127.0.0.1", hub.port))  # connects, never sends a request
    while not stalled.requests:
        time.sleep(0.01)
    port = hub.port
    started = time.perf_counter()
    hub.stop()
    assert time.perf_counter() - started < 3
    waiter.join(5)
    idle.close()
    assert not waiter.is_alive() and errors == ["RemoteProtocolError"]
    assert [
        t.name for t in set(threading.enumerate()) - before if t.name.startswith("kaizen-hub")
    ] == []
    with pytest.raises(httpx.ConnectError):  # the listening port no longer listens
        httpx.get(f"http://127.0.0.1:{port}/repos/", timeout=2)
    # The refused port is bound and never listens, so it refuses connections whether or not
    # stop() freed it: only binding it again shows that it was released.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", int(refused_url.rsplit(":", 1)[1])))


# --------------------------------------------------------------------------- the command adapter

PROBE = """\
import json, os, sys
with open(os.environ["PROBE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({"argv": sys.argv[1:], "env": {k: v for k, v in os.environ.items() if k.startswith("KAIZEN_")}}) + "\\n")
from kaizen_conformance.reference.resolver import main
sys.exit(main(sys.argv[1:]))
"""


def probe_calls(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_placeholders_and_environment_follow_the_contract(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(probe=PROBE)
    log = pytester.path / "probe.log"
    monkeypatch.setenv("PROBE_LOG", str(log))
    run = run_kit(
        pytester,
        "--kaizen-resolver-cmd=python probe.py {hub_url} {hostname} {domain}",
        "--kaizen-resolver-profile=v1",
        "-k",
        "test_resolver and (flag-true-file-valid or domain-filter-honoured)",
    )
    assert run.outcomes() and set(run.outcomes().values()) == {"passed"}, run.result.stdout.str()[
        -3000:
    ]
    calls = probe_calls(log)
    assert len(calls) == 2  # one process per case, shared by the case's checks
    for call in calls:
        hub_url, hostname, domain = call["argv"]
        assert call["env"]["KAIZEN_HUB_URL"] == hub_url and hub_url.startswith("http://127.0.0.1:")
        assert call["env"]["KAIZEN_HOSTNAME"] == hostname == "runner-01"
        assert call["env"]["KAIZEN_DOMAIN"] == domain
        assert call["env"]["KAIZEN_PROFILE"] == "v1"
    assert sorted(call["argv"][2] for call in calls) == ["", "labs"]  # {domain} is empty when none
    ports = {call["argv"][0].rsplit(":", 1)[1].split("/")[0] for call in calls}
    prefixes = {call["argv"][0].rsplit("/", 1)[1] for call in calls}
    assert len(ports) == 1, "the loopback hub double is started once per session, not per case"
    assert len(prefixes) == 2, "each case has its own URL prefix"


def test_one_loopback_hub_per_xdist_worker_and_one_run_per_case(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(probe=PROBE)
    log = pytester.path / "probe.log"
    monkeypatch.setenv("PROBE_LOG", str(log))
    run = run_kit(
        pytester,
        "--kaizen-resolver-cmd=python probe.py {hub_url} {hostname} {domain}",
        "-k",
        # (not a sequence case: it calls the resolver once per step, by design)
        "test_resolver and (host-path or flag-true) and not sequence",
        "-n",
        "2",
        subprocess=True,
    )
    assert run.outcomes() and set(run.outcomes().values()) == {"passed"}, run.result.stdout.str()[
        -3000:
    ]
    calls = probe_calls(log)
    ports = {call["argv"][0].rsplit(":", 1)[1].split("/")[0] for call in calls}
    assert 1 <= len(ports) <= 2, "one loopback hub per worker"
    cases = {name.split("[", 1)[1] for name in run.outcomes()}
    assert len(cases) >= 8 and len(calls) == len(cases), (
        "one run per case, even when its checks land on two workers"
    )


def test_a_command_that_cannot_start_passes_no_case_even_those_expecting_an_error(
    pytester: pytest.Pytester,
) -> None:
    run = run_kit(
        pytester,
        "--kaizen-resolver-cmd=no-such-resolver-anywhere {hub_url} {hostname} {domain}",
        "-k",
        "RES-011 and (hub-500 or hub-refuses) or RES-001 and flag-true-file-valid",
    )
    outcomes = sorted(run.outcomes().values())
    assert outcomes == ["error", "skipped", "skipped"], outcomes  # one configuration error
    run.result.stdout.fnmatch_lines(
        [
            "the resolver command cannot start: its program 'no-such-resolver-anywhere' is not there "
            "or cannot run (not found on PATH; *), so no resolver rule can be checked. Fix "
            "--kaizen-resolver-cmd=*"
        ]
    )


def test_python_in_a_command_is_the_interpreter_running_pytest(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "PATH", "/usr/bin:/bin"
    )  # no virtualenv on PATH, as in `.venv/bin/pytest ...`
    run = run_kit(
        pytester,
        f"--kaizen-resolver-cmd={REFERENCE_CMD}",
        "-k",
        "test_resolver and flag-true-file-valid",
        subprocess=True,
    )
    assert run.outcomes() and set(run.outcomes().values()) == {"passed"}, run.result.stdout.str()[
        -3000:
    ]


URLLIB_RESOLVER = """\
import json, urllib.parse, urllib.request
from kaizen_conformance.reference import resolver as ref

def fetch(hub_url, domain, profile, timeout):
    query = urllib.parse.urlencode({"kaizen_schedule_enabled": "true", **({"domain": domain} if domain else {})})
    with urllib.request.urlopen(BASE(hub_url) + "repos/?" + query, timeout=timeout) as answer:
        return json.loads(answer.read())

def BASE(hub_url):
    return hub_url.rstrip("/") + "/"

def resolve(hub_url, hostname, domain=None):
    ref.fetch_roster, original = fetch, ref.fetch_roster
    try:
        return ref.resolve(hub_url, hostname, domain)
    finally:
        ref.fetch_roster = original
"""


def test_hub_double_server_reaches_clients_respx_cannot_patch(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(urllib_resolver=URLLIB_RESOLVER)
    options = [
        "--kaizen-resolver=urllib_resolver:resolve",
        "-k",
        "RES-001 and flag-true-file-valid",
    ]
    patched = run_kit(pytester, *options)
    # the run's configuration error, not a failed rule
    assert patched.outcomes() == {"RES-001[flag-true-file-valid]": "error"}
    patched.result.stdout.fnmatch_lines(
        ["*never reached the hub double*Fix: rerun with --kaizen-hub-double=server*"]
    )
    served = run_kit(pytester, *options, "--kaizen-hub-double=server")
    assert served.outcomes() == {"RES-001[flag-true-file-valid]": "passed"}, (
        served.result.stdout.str()[-3000:]
    )


def test_a_resolver_that_drops_the_base_urls_path_is_told_so(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        urllib_resolver=URLLIB_RESOLVER.replace(
            'return hub_url.rstrip("/") + "/"', 'return urllib.parse.urljoin(hub_url, "/")'
        )
    )
    run = run_kit(
        pytester,
        "--kaizen-resolver=urllib_resolver:resolve",
        "--kaizen-hub-double=server",
        "-k",
        "RES-001 and flag-true-file-valid",
    )
    assert run.outcomes() == {"RES-001[flag-true-file-valid]": "failed"}
    run.result.stdout.fnmatch_lines(
        [
            "case flag-true-file-valid: the resolver never sent a request to the hub URL it was given "
            "(http://127.0.0.1:*/hub-*); it sent GET /repos/ to the server's root instead, dropping the base URL's "
            "path. A hub may sit below a path (behind a proxy): append repos/ to the base URL it is given, keeping its path",
        ]
    )


@pytest.mark.parametrize("transport", ["respx", "server"])
def test_a_base_url_with_a_path_is_served_below_it_and_nowhere_else(
    loopback: LoopbackHub, transport: str
) -> None:
    def seen(fault: Any = None) -> list[tuple[Any, ...]]:
        double = HubDouble(list(RECORDS), fault=fault, base_path="/state-hub")
        with httpx.Client(timeout=2) as client:
            if transport == "respx":
                origin = "http://127.0.0.1:9"
                with respx_transport(double, origin, stall_limit=5):
                    urls = [origin + "/state-hub", origin]
                    return [observe(client, url) for url in urls]
            with loopback.mount(double) as origin:
                return [observe(client, url) for url in (origin + "/state-hub", origin)]

    below, outside = seen()
    assert below[0] == 200 and json.loads(below[1]) == RECORDS
    assert outside[0] == 404
    assert "it serves GET /state-hub/repos/" in json.loads(outside[1])["detail"]
    redirected, _ = seen({"kind": "redirect-loop"})
    assert redirected[0] == 302 and redirected[2] == "/repos/loop/?kaizen_schedule_enabled=true"


URLJOIN_RESOLVER = """\
from urllib.parse import urljoin

from kaizen_conformance.reference import resolver as ref


def resolve(hub_url, hostname, domain=None):
    # urljoin("http://hub/state-hub", "repos/") is http://hub/repos/: the base URL's path is lost
    root = urljoin(hub_url, "repos/").removesuffix("/repos/")
    return ref.resolve_v2(root, hostname, domain)
"""


def test_a_case_may_put_the_hubs_base_url_below_a_path(pytester: pytest.Pytester) -> None:
    case = pytester.path / "cases" / "resolver" / "base-url-with-a-path"
    case.mkdir(parents=True)
    (case / "case.yml").write_text(
        "description: The hub's base URL carries a path; the resolver fetches repos/ below it.\n"
        "rules: [RES-001]\n"
        "hub:\n"
        "  base_path: /state-hub\n"
        "  records:\n"
        "    - {slug: custodian/alpha, domain: custodian, host_paths: {runner-01: '{repos}/alpha'},"
        " kaizen_schedule_enabled: true}\n"
        "files:\n"
        '  - {path: repos/alpha/.kaizen/schedule.yml, text: "version: 1\\nagents:\\n'
        '  - {name: coach, cadence: weekly}\\n"}\n'
        "expect: {included: [custodian/alpha]}\n",
        encoding="utf-8",
    )
    pytester.makepyfile(urljoin_resolver=URLJOIN_RESOLVER)
    common = [
        "-k",
        "base-url-with-a-path",
        "--kaizen-extra-cases=cases",
        "--kaizen-allow-incomplete",
    ]
    passing = run_kit(
        pytester, "--kaizen-resolver=kaizen_conformance.reference.resolver:resolve_v2", *common
    )
    assert passing.result.ret == 0, passing.result.stdout.str()[-2000:]
    failing = run_kit(pytester, "--kaizen-resolver=urljoin_resolver:resolve", *common)
    failed = {rule for item in failing.items if item.outcome == "failed" for rule in item.rules}
    assert failed == {"RES-001"}, failing.result.stdout.str()[-2000:]
    failing.result.stdout.fnmatch_lines(["*it serves GET /state-hub/repos/*"])
