"""Calling a resolver: ``function(hub_url, hostname, domain=None)`` in-process."""

from __future__ import annotations

import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kaizen_conformance._calls import CallOutcome, call_with_limit
from kaizen_conformance._settings import Settings
from kaizen_conformance.hubdouble import HubDouble, respx_transport


@dataclass
class ResolverResult:
    """The resolver's answer, already checked for shape."""

    outcome: CallOutcome
    repos: list[Mapping[str, Any]] | None  # None when it failed, hung or answered malformed output
    problem: str | None = None  # what is wrong with the output's shape
    via: str = ""


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


def call_resolver(settings: Settings, double: HubDouble, hostname: str, domain: str | None, label: str) -> ResolverResult:
    """Run the configured in-process resolver against ``double`` within the per-call limit."""
    function = settings.implementation("resolver")
    hub_url = closed_port_url()

    def invoke() -> Any:
        produced = function(hub_url, hostname, domain)
        # A generator does its work lazily: consume it inside the time limit.
        return list(produced) if isinstance(produced, Iterable) and not isinstance(produced, (str, bytes, Mapping)) else produced

    with respx_transport(double, hub_url, stall_limit=settings.timeout):
        outcome = call_with_limit(invoke, settings.timeout, label)
        double.release()
    if outcome.timed_out or outcome.failed:
        return ResolverResult(outcome, None, via="respx")
    problem = shape_problem(outcome.value)
    return ResolverResult(outcome, None if problem else outcome.value, problem, via="respx")
