"""Calling a resolver, whatever it is written in (contract section 5).

Three ways in, one result shape:

- ``--kaizen-resolver=module:function`` with ``--kaizen-hub-double=respx`` (default): the
  function is called in-process and its httpx requests are routed to the hub double by respx;
- the same with ``--kaizen-hub-double=server``: the double is served on 127.0.0.1, for
  functions whose HTTP client respx cannot patch (requests, urllib, aiohttp, a C library);
- ``--kaizen-resolver-cmd='CMD {hub_url} {hostname} {domain}'``: the command runs once per
  case against the same loopback double, and prints a JSON array on stdout.

The loopback double is started once per session (per pytest-xdist worker) and stopped when
pytest unconfigures; each case mounts its own double under its own URL prefix.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from kaizen_conformance.adapters.programs import command_environment
from kaizen_conformance.adapters.settling import consumed
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.hubdouble.responder import HubDouble, HubRequest
from kaizen_conformance.hubdouble.server import LoopbackHub, Stray
from kaizen_conformance.hubdouble.transport import respx_transport
from kaizen_conformance.runtime.calls import call_in_sequence, call_with_limit
from kaizen_conformance.runtime.commands import (
    MAX_OUTPUT,
    CommandOutcome,
    command_argv,
    run_command,
)

ENV_FIELDS = {"hub_url": "KAIZEN_HUB_URL", "hostname": "KAIZEN_HOSTNAME", "domain": "KAIZEN_DOMAIN"}
PROFILE_ENV = "KAIZEN_PROFILE"  # a kit extra: the profile the run holds the resolver to
LOOPBACK = pytest.StashKey[LoopbackHub]()


@dataclass
class ResolverResult:
    """What one resolver run did, whichever way it was run, with its output already checked for shape."""

    via: str  # "respx", "server" or "command"
    hub_url: str
    repos: list[Mapping[str, Any]] | None = (
        None  # None when it failed, hung or answered malformed output
    )
    problem: str | None = None  # what is wrong with the output (shape, or stdout not a JSON array)
    failed: bool = False  # failed loudly: raised, or exited non-zero
    timed_out: bool = (
        False  # ran past a per-call limit: still running at the time limit, or out of memory
    )
    broken: str = (
        ""  # could not be run at all (a command that does not start): never a loud failure
    )
    failure: str = ""  # how it failed or hung, for messages
    error_type: str = ""  # the exception an in-process resolver raised
    answer: str = ""  # what it answered, bounded, for "... instead of failing loudly"
    seconds: float = 0.0
    strays: list[Stray] = field(default_factory=list)  # requests outside its base URL, meanwhile


def closed_port_url() -> str:
    """A 127.0.0.1 URL nobody listens on: an unpatched client gets 'connection refused' fast."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def shape_problem(value: Any) -> str | None:
    if not isinstance(value, list):
        return f"returned {type(value).__name__}, not an iterable of mappings"
    for index, repo in enumerate(value):
        if not isinstance(repo, Mapping):
            return f"item {index} is {type(repo).__name__} {repo!r:.80}, not a mapping"
        if not isinstance(repo.get("slug"), str):
            return f"item {index} has no string 'slug': {dict(repo)!r:.200}"
        if "local_path" not in repo:
            return f"item {index} has no 'local_path': {dict(repo)!r:.200}"
    return None


def loopback_hub(config: pytest.Config, settings: Settings) -> LoopbackHub:
    """This session's loopback hub double: started on first use, stopped when pytest unconfigures."""
    hub = config.stash.get(LOOPBACK, None)
    if hub is None or not hub.running:
        hub = LoopbackHub(stall_cap=settings.timeout + 10).start()
        config.stash[LOOPBACK] = hub
        config.add_cleanup(hub.stop)
    return hub


def run_resolver(
    settings: Settings,
    config: pytest.Config,
    double: HubDouble,
    hostname: str,
    domain: str | None,
    label: str,
) -> ResolverResult:
    """Run the configured resolver once against ``double``, the way its options say."""
    target = settings.target("resolver")
    assert target is not None, "the resolver role is not configured"
    if target.kind == "command":
        return run_command_resolver(
            settings, loopback_hub(config, settings), double, hostname, domain
        )
    if settings.hub_double == "server":
        return call_resolver_server(
            settings, loopback_hub(config, settings), double, hostname, domain, label
        )
    return call_resolver(settings, double, hostname, domain, label)


def run_resolver_sequence(
    settings: Settings,
    config: pytest.Config,
    double: HubDouble,
    hostname: str,
    domain: str | None,
    label: str,
    rosters: Sequence[list[Any]],
    between: Callable[[int], None],
) -> list[tuple[ResolverResult, list[HubRequest]]]:
    """Call the configured resolver once per roster of ``rosters``, the fleet changing between calls.

    An in-process resolver makes all its calls in ONE process, as a long-lived service would:
    whatever it keeps from one call (a module-level cache, ``functools.lru_cache``) is there at
    the next, so an answer from a cache shows. ``between(i)`` runs in the kit's process after
    call ``i`` and before call ``i + 1`` (it changes the files on disk). The double serves
    ``rosters[i]`` at call ``i``: set in the calls' process before each call (respx answers
    there) and in the kit's (the loopback server answers there). A command is a process per
    call anyway: it runs once per roster. Each call comes back with the requests it made.
    """
    target = settings.target("resolver")
    assert target is not None, "the resolver role is not configured"
    if target.kind == "command":
        # one mount, one hub URL for the whole sequence: a cache on disk keyed by the URL, as a
        # resolver run by cron would keep one, is reached at the next call
        hub = loopback_hub(config, settings)
        results = []
        with hub.mount(double) as mounted:
            for index, roster in enumerate(rosters):
                if index:
                    between(index - 1)
                double.records = list(roster)
                seen, mark = len(double.requests), hub.stray_mark()
                result = command_call(settings, mounted + double.base_path, hostname, domain)
                result.strays = hub.strays_since(mark)
                results.append((result, list(double.requests[seen:])))
        return results
    marks: list[int] = []

    def serve(index: int) -> None:
        double.records = list(rosters[index])
        marks.append(len(double.requests))

    def change(index: int) -> None:
        between(index)
        serve(index + 1)  # the loopback server answers from the kit's process

    def call(index: int) -> Callable[[], Any]:
        invoke = _invoke(settings, hub_url, hostname, domain)

        def at_call() -> Any:
            double.records = list(rosters[index])  # respx answers in the calls' process
            return invoke()

        return at_call

    serve(0)
    limit, memory = settings.timeout, settings.memory_mib
    if settings.hub_double == "server":
        hub = loopback_hub(config, settings)
        mark = hub.stray_mark()
        with hub.mount(double) as mounted:
            hub_url = mounted + double.base_path
            functions = [call(i) for i in range(len(rosters))]
            outcomes = call_in_sequence(functions, limit, label, memory_mib=memory, between=change)
        strays = hub.strays_since(mark)
        via = "server"
    else:
        origin = closed_port_url()
        hub_url = origin + double.base_path
        with respx_transport(double, origin, stall_limit=settings.timeout):
            functions = [call(i) for i in range(len(rosters))]
            outcomes = call_in_sequence(
                functions, limit, label, memory_mib=memory, carry=[double.requests], between=change
            )
            double.release()
        strays, via = [], "respx"
    marks.append(len(double.requests))
    results = []
    for index, outcome in enumerate(outcomes):
        result = _from_call(via, hub_url, outcome, settings)
        result.strays = strays
        # a call not run (an earlier one ran past the limit) made no request of its own
        requests = (
            double.requests[marks[index] : marks[index + 1]] if index + 1 < len(marks) else []
        )
        results.append((result, list(requests)))
    return results


# --------------------------------------------------------------------------- in-process


@dataclass
class _Invoke:
    """One call of the in-process resolver, as data: it pickles (module-level function, plain
    arguments), so the zygote can fork the call's process (``runtime.zygote``)."""

    function: Callable[..., Any]
    hub_url: str
    hostname: str
    domain: str | None

    def __call__(self) -> Any:
        # An async resolver is awaited, and a generator (sync or async) consumed, inside the
        # call: within its limits and in its process, where its HTTP client lives.
        return consumed(self.function(self.hub_url, self.hostname, self.domain))


@dataclass
class _ThroughRespx:
    """The call with respx routing its httpx requests to ``double``, mounted in the call's
    own process: the double that answers is the one whose requests come home."""

    invoke: _Invoke
    double: HubDouble
    origin: str
    stall_limit: float

    def __call__(self) -> Any:
        with respx_transport(self.double, self.origin, stall_limit=self.stall_limit):
            return self.invoke()


def _invoke(settings: Settings, hub_url: str, hostname: str, domain: str | None) -> _Invoke:
    return _Invoke(settings.implementation("resolver"), hub_url, hostname, domain)


def _from_call(via: str, hub_url: str, outcome: Any, settings: Settings) -> ResolverResult:
    result = ResolverResult(via, hub_url, seconds=outcome.seconds)
    if outcome.over_limit:
        result.timed_out = True
        result.failure = outcome.limit_text(settings.timeout, settings.origin("timeout"))
        return result
    if outcome.failed:
        tail = "\n".join(outcome.error_text.splitlines()[-6:])
        result.failed = True
        result.error_type = outcome.error_type
        result.failure = f"raised {result.error_type}: {outcome.error}\n{tail}"
        return result
    result.answer = f"returned {outcome.value!r:.300}"
    result.problem = shape_problem(outcome.value)
    if result.problem is None:
        result.repos = [
            dict(repo) for repo in outcome.value
        ]  # plain data: a run may be shared across workers
    return result


def call_resolver(
    settings: Settings, double: HubDouble, hostname: str, domain: str | None, label: str
) -> ResolverResult:
    """Run the in-process resolver with respx routing its httpx requests to ``double``."""
    origin = closed_port_url()
    hub_url = origin + double.base_path
    # the double answers inside the call's process: what it saw there comes home
    call = _ThroughRespx(
        _invoke(settings, hub_url, hostname, domain), double, origin, settings.timeout
    )
    outcome = call_with_limit(
        call, settings.timeout, label, memory_mib=settings.memory_mib, carry=[double.requests]
    )
    double.release()
    return _from_call("respx", hub_url, outcome, settings)


def call_resolver_server(
    settings: Settings,
    hub: LoopbackHub,
    double: HubDouble,
    hostname: str,
    domain: str | None,
    label: str,
) -> ResolverResult:
    """Run the in-process resolver against ``double`` served on 127.0.0.1 (any HTTP client works)."""
    mark = hub.stray_mark()
    with hub.mount(double) as mounted:
        hub_url = mounted + double.base_path
        outcome = call_with_limit(
            _invoke(settings, hub_url, hostname, domain),
            settings.timeout,
            label,
            memory_mib=settings.memory_mib,
        )
    result = _from_call("server", hub_url, outcome, settings)
    result.strays = hub.strays_since(mark)
    return result


# --------------------------------------------------------------------------- commands


def command_fields(hub_url: str, hostname: str, domain: str | None) -> dict[str, str]:
    return {"hub_url": hub_url, "hostname": hostname, "domain": domain or ""}


def command_env(fields: Mapping[str, str], profile: str) -> dict[str, str]:
    """The caller's environment plus ``KAIZEN_*``, with this Python's scripts directory first on
    PATH (as for every role's command: adapters.programs.command_environment)."""
    env = command_environment()
    for name, variable in ENV_FIELDS.items():
        env[variable] = fields[name]
    env[PROFILE_ENV] = profile
    return env


def parse_stdout(outcome: CommandOutcome) -> tuple[Any, str | None]:
    """The JSON array a command printed, or what is wrong with its stdout (bounded)."""
    if outcome.stdout_size > len(outcome.stdout):
        return None, (
            f"printed {outcome.stdout_size} bytes on stdout, more than the {MAX_OUTPUT} the kit reads; "
            f"it starts {outcome.head('stdout', 120)}"
        )
    try:
        text = outcome.stdout.decode("utf-8")
    except UnicodeDecodeError as exc:
        return (
            None,
            f"stdout is not UTF-8 ({exc.reason} at byte {exc.start}); it starts {outcome.head('stdout', 120)}",
        )
    if not text.strip():
        return (
            None,
            f"printed nothing on stdout (a resolver prints a JSON array); stderr ends {tail(outcome, 'stderr')}",
        )
    try:
        value = json.loads(text)
    except ValueError as exc:
        return None, (
            f"stdout is not one JSON document ({exc}); it starts {outcome.head('stdout', 160)}. "
            "Print only the JSON array on stdout, and logs on stderr"
        )
    if not isinstance(value, list):
        return (
            value,
            f"printed JSON {type(value).__name__}, not an array; it starts {outcome.head('stdout', 120)}",
        )
    return value, shape_problem(value)


def tail(outcome: CommandOutcome, stream: str, limit: int = 400) -> str:
    """The last bytes of a stream, printable, with its full size: a traceback's last lines say the most.

    The runner keeps only the first MAX_OUTPUT bytes of a stream; past that, the true end
    is gone, so the message says so and shows the beginning instead.
    """
    data: bytes = getattr(outcome, stream)
    size: int = getattr(outcome, f"{stream}_size")
    if size > len(data):
        return (
            f"unseen: it wrote {size} bytes, of which the kit keeps the first {len(data)}; they start "
            + repr(data[: limit // 2].decode("utf-8", errors="replace"))
        )
    text = data[-limit:].decode("utf-8", errors="replace")
    return f"{text!r}" + (f" (the last {limit} of {size} bytes)" if size > limit else "")


def run_command_resolver(
    settings: Settings, hub: LoopbackHub, double: HubDouble, hostname: str, domain: str | None
) -> ResolverResult:
    """Run the resolver command once against ``double`` served on 127.0.0.1, within the per-call limit."""
    mark = hub.stray_mark()
    with hub.mount(double) as mounted:
        result = command_call(settings, mounted + double.base_path, hostname, domain)
    result.strays = hub.strays_since(mark)
    return result


def command_call(
    settings: Settings, hub_url: str, hostname: str, domain: str | None
) -> ResolverResult:
    """Run the resolver command once against the hub double served at ``hub_url``."""
    fields = command_fields(hub_url, hostname, domain)
    argv = command_argv(settings.command("resolver"), fields)
    outcome = run_command(
        argv,
        limit=settings.timeout,
        env=command_env(fields, settings.profile("resolver")),
        memory_mib=settings.memory_mib,
    )
    result = ResolverResult("command", hub_url, seconds=outcome.seconds)
    if outcome.start_error:
        result.broken = (
            f"{outcome.describe()}. Fix {settings.origin('resolver_cmd')} (the kit runs it without a shell, "
            f"with {os.path.dirname(sys.executable)} first on PATH)"
        )
        return result
    if outcome.timed_out:
        result.timed_out = True
        result.failure = (
            f"did not exit within the per-call limit of {settings.timeout:g} s "
            f"({settings.origin('timeout')}); "
            f"killed with every process it started. stderr ends {tail(outcome, 'stderr')}"
        )
        return result
    if outcome.over_memory:
        result.timed_out = True
        result.failure = outcome.describe()
        return result
    if outcome.returncode != 0:
        result.failed = True
        result.failure = (
            f"exited {outcome.returncode} after {outcome.seconds:.2f} s; stderr ends "
            f"{tail(outcome, 'stderr')}; stdout {outcome.head('stdout', 160)}"
        )
        return result
    value, result.problem = parse_stdout(outcome)
    result.answer = f"exited 0 and printed {outcome.head('stdout', 200)}"
    if result.problem is None:
        result.repos = value
    return result
