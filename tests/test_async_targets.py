"""Async everywhere: every in-process target may be ``async def`` (or return an awaitable, or
yield asynchronously); the kit settles it inside the call, within its limits, and a preflight
never blames the HTTP client or the URL for what a coroutine or an early exception did."""

from __future__ import annotations

import pytest
from kitrun import run_kit

ASYNC_RESOLVER = """
import httpx
from kaizen_conformance.reference import resolver as ref


async def fetch(hub_url, domain):
    params = {"kaizen_schedule_enabled": "true"}
    if domain:
        params["domain"] = domain
    async with httpx.AsyncClient(timeout=2, follow_redirects=False) as client:
        try:
            response = await client.get(hub_url.rstrip("/") + "/repos/", params=params)
        except httpx.HTTPError as exc:
            raise ref.HubError(f"{type(exc).__name__}: {exc}") from exc
    if not response.is_success:
        raise ref.HubError(f"answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise ref.HubError("not JSON") from None
    if not isinstance(body, list):
        raise ref.HubError("not an array")
    return body


async def discover_kaizen_scheduled_repos(hub_url, hostname, domain=None):
    domain = domain or None
    included = {}
    for record in await fetch(hub_url, domain):
        if not isinstance(record, dict):
            continue
        slug, host_paths = record.get("slug"), record.get("host_paths")
        if not isinstance(slug, str) or not slug or not isinstance(host_paths, dict):
            continue
        if slug in included or (domain is not None and record.get("domain") != domain):
            continue
        if not ref.flag_allows(record, "v2"):
            continue
        local_path = host_paths.get(hostname)
        if ref.usable_checkout(local_path) and ref.opted_in(local_path):
            included[slug] = local_path
    return [{"slug": slug, "local_path": included[slug]} for slug in sorted(included)]


async def agen(hub_url, hostname, domain=None):
    for repo in await discover_kaizen_scheduled_repos(hub_url, hostname, domain):
        yield repo


async def raises_first(hub_url, hostname, domain=None):
    raise LookupError("no configuration for this runner")
"""


@pytest.mark.parametrize("double", ["respx", "server"])
def test_an_async_resolver_on_httpx_async_client_conforms(
    kit_pytester: pytest.Pytester, double: str
) -> None:
    kit_pytester.makepyfile(asyncresolver=ASYNC_RESOLVER)
    run = run_kit(
        kit_pytester,
        "--kaizen-resolver=asyncresolver:discover_kaizen_scheduled_repos",
        f"--kaizen-hub-double={double}",
        "-k",
        "test_resolver",
        "-W",
        "error::RuntimeWarning",  # a coroutine never awaited fails the run
    )
    outcomes = run.role_outcomes("resolver")
    assert outcomes and set(outcomes.values()) <= {"passed", "xfailed"}, run.result.stdout.str()[
        -4000:
    ]
    run.result.stdout.fnmatch_lines(["*= kaizen conformance =*", "  verdict: CONFORMS"])


def test_an_async_generator_resolver_is_consumed_inside_the_call(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(asyncresolver=ASYNC_RESOLVER)
    run = run_kit(
        kit_pytester, "--kaizen-resolver=asyncresolver:agen", "-k", "flag-true-file-valid"
    )
    assert set(run.role_outcomes("resolver").values()) == {"passed"}, run.result.stdout.str()


def test_an_async_resolver_that_raises_first_is_not_blamed_on_its_client(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(asyncresolver=ASYNC_RESOLVER)
    run = run_kit(
        kit_pytester,
        "--kaizen-resolver=asyncresolver:raises_first",
        "-k",
        "RES-002 and flag-true-file-missing",
    )
    text = run.result.stdout.str()
    assert "LookupError: no configuration for this runner" in text
    assert "not httpx" not in text and "never sent a request to the hub URL" not in text
    assert "configuration error" not in text
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED


def test_an_async_prepare_is_awaited(kit_pytester: pytest.Pytester) -> None:
    kit_pytester.makepyfile(
        asyncprepare="from kaizen_conformance.reference.prepare import prepare as ref\n"
        "async def prepare(repo, agent):\n"
        "    return ref(repo, agent)\n"
    )
    run = run_kit(kit_pytester, "--kaizen-prepare=asyncprepare:prepare", "-k", "PRE-001")
    outcomes = run.role_outcomes("prepare")
    assert outcomes and set(outcomes.values()) <= {"passed", "skipped"}, run.result.stdout.str()
    assert "passed" in outcomes.values()


@pytest.mark.parametrize(
    ("role", "option", "function", "selection"),
    [
        ("validate", "--kaizen-validate", "validate", "minimal or version-true"),
        ("list", "--kaizen-list", "list_agents", "minimal or version-true"),
        ("init", "--kaizen-init", "init", "INI-001"),
    ],
)
def test_async_manifest_tools_are_awaited(
    kit_pytester: pytest.Pytester, role: str, option: str, function: str, selection: str
) -> None:
    kit_pytester.makepyfile(
        asynctool=f"from kaizen_conformance.reference.manifest_tools import {function} as ref\n"
        "async def tool(repo):\n"
        "    return ref(repo)\n"
    )
    run = run_kit(kit_pytester, f"{option}=asynctool:tool", "-k", selection)
    outcomes = run.role_outcomes(role)
    assert outcomes and set(outcomes.values()) <= {"passed", "skipped"}, run.result.stdout.str()
    assert "passed" in outcomes.values()


def test_an_async_seed_is_awaited_for_a_wsgi_app(kit_pytester: pytest.Pytester) -> None:
    kit_pytester.makepyfile(
        asyncseed="from kaizen_conformance.reference import hub\n"
        "async def seed(app, records):\n"
        "    hub.seed(app, records)\n"
    )
    run = run_kit(
        kit_pytester,
        "--kaizen-hub-app=kaizen_conformance.reference.hub:wsgi_app",
        "--kaizen-hub-seed=asyncseed:seed",
        "-k",
        "HUB- and mixed-fleet",
    )
    outcomes = run.role_outcomes("hub")
    assert outcomes and set(outcomes.values()) == {"passed"}, run.result.stdout.str()
