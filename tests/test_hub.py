"""The hub role as a user meets it: in-process (ASGI, WSGI) and live, seeded and unseeded,
and every way a hub or its configuration can go wrong."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import pytest
from kitrun import KitRun, run_kit

from kaizen_conformance import contract
from kaizen_conformance.cases.hub import hub_cases
from kaizen_conformance.reference.hub import ReferenceHub, serve
from kaizen_conformance.roles.hub import ALWAYS

REFERENCE = "kaizen_conformance.reference.hub"
SEED = f"--kaizen-hub-seed={REFERENCE}:seed"


def expected_items(profile: str) -> int:
    """How many hub items a seeded run has: every applicable rule the case has something for."""
    applicable = {rule.id for rule in contract.rules_for("hub", profile)}
    total = 0
    for case in hub_cases():
        present = set(ALWAYS) | {q.rule for q in case.queries_for(profile)}
        total += len(applicable & present)
    return total


def run_hub(pytester: pytest.Pytester, *options: str, subprocess: bool = False) -> KitRun:
    return run_kit(pytester, "-k", "HUB-", "-rs", *options, subprocess=subprocess)


@pytest.fixture
def served() -> Iterator[Callable[[ReferenceHub], str]]:
    """Serve hubs on 127.0.0.1 (ephemeral ports) for one test; every server stops at its end."""
    with ExitStack() as stack:
        yield lambda hub: stack.enter_context(serve(hub))


@contextmanager
def silent_server() -> Iterator[str]:
    """A hub that accepts connections and never answers a byte (the kernel completes the handshake)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def mixed_fleet() -> list[dict]:
    return list(next(c for c in hub_cases() if c.id == "mixed-fleet").records)


# --------------------------------------------------------------------------- the reference passes


@pytest.mark.parametrize(
    ("app", "profile"),
    [("app", "v2"), ("wsgi_app", "v2"), ("app_v1", "v1"), ("wsgi_app_v1", "v1")],
)
def test_reference_hub_conforms_in_process(
    kit_pytester: pytest.Pytester, app: str, profile: str
) -> None:
    run = run_hub(
        kit_pytester, f"--kaizen-hub-app={REFERENCE}:{app}", SEED, f"--kaizen-hub-profile={profile}"
    )
    outcomes = run.role_outcomes("hub")
    assert len(outcomes) == expected_items(profile)
    assert set(outcomes.values()) == {"passed"}, run.result.stdout.str()[-3000:]
    assert (
        "HUB-012[mixed-fleet]" in outcomes
        if profile == "v2"
        else "HUB-012[mixed-fleet]" not in outcomes
    )
    run.result.stdout.fnmatch_lines(
        [
            f"hub (profile {profile}): {REFERENCE}:{app} (app, from --kaizen-hub-app)",
            "  verdict: CONFORMS",
        ]
    )


def test_kaizen_reference_covers_the_hub_with_its_seed(kit_pytester: pytest.Pytester) -> None:
    run = run_hub(kit_pytester, "--kaizen-reference")
    outcomes = run.role_outcomes("hub")
    assert len(outcomes) == expected_items("v2") and set(outcomes.values()) == {"passed"}
    run.result.stdout.fnmatch_lines(
        [f"hub (profile v2): {REFERENCE}:app (app, from --kaizen-reference)"]
    )


def test_reference_hub_conforms_live_and_seeded(
    kit_pytester: pytest.Pytester, served: Callable
) -> None:
    url = served(ReferenceHub())
    run = run_hub(kit_pytester, f"--kaizen-hub-url={url}", SEED)
    outcomes = run.role_outcomes("hub")
    assert len(outcomes) == expected_items("v2") and set(outcomes.values()) == {"passed"}, (
        run.result.stdout.str()
    )
    run.result.stdout.fnmatch_lines(
        [f"hub (profile v2): {url} (url, from --kaizen-hub-url)", "  verdict: CONFORMS"]
    )


def test_seeded_in_process_runs_under_xdist(kit_pytester: pytest.Pytester) -> None:
    run = run_hub(
        kit_pytester, f"--kaizen-hub-app={REFERENCE}:app", SEED, "-n", "2", subprocess=True
    )
    outcomes = run.role_outcomes("hub")
    assert len(outcomes) == expected_items("v2") and set(outcomes.values()) == {"passed"}, (
        run.result.stdout.str()
    )


# --------------------------------------------------------------------------- unseeded


def test_unseeded_live_hub_checks_the_views_and_says_what_it_could_not(
    kit_pytester: pytest.Pytester, served: Callable
) -> None:
    url = served(ReferenceHub(records=mixed_fleet()))
    run = run_hub(kit_pytester, f"--kaizen-hub-url={url}")
    outcomes = run.role_outcomes("hub")
    assert outcomes.pop("HUB-003[unseeded]") == "skipped"
    assert set(outcomes) == {f"{r.id}[unseeded]" for r in contract.rules_for("hub", "v2")} - {
        "HUB-003[unseeded]"
    }
    assert set(outcomes.values()) == {"passed"}
    run.result.stdout.fnmatch_lines(
        [
            "*skipped*HUB-003 MUST*A seeded roster comes back whole*",
            "  verdict: INCOMPLETE*",
        ]
    )
    run.result.stdout.fnmatch_lines(
        [
            "SKIPPED*HUB-003 not checked (not a pass): without a seed function the kit cannot know what the hub "
            "should hold. HUB-010 and HUB-011 were checked on every record, but not that a repo never flagged reports "
            "false / null, which only a seeded roster tells. The hub holds 7 records in 3 domains (3 flagged true). "
            "Give --kaizen-hub-seed=module:function (called function(url, records)) to check them.",
        ]
    )


def test_unseeded_checks_have_teeth(kit_pytester: pytest.Pytester, served: Callable) -> None:
    """Without seeding, the views still betray a broken filter: derived from the unfiltered list."""
    from mutants.hub.or_instead_of_and import Hub as OrHub

    url = served(OrHub(records=mixed_fleet()))
    run = run_hub(kit_pytester, f"--kaizen-hub-url={url}")
    assert run.failed_rules() == {"HUB-014"}
    run.result.stdout.fnmatch_lines(
        [
            "case unseeded: the flag and domain filters together must list exactly the records that pass both (AND):",
            "  - GET /repos/?kaizen_schedule_enabled=true&domain=custodian lists custodian/activity-core, "
            "custodian/archive, custodian/legacy-tools, labs/kaizen-agentic, ops/runbooks, which are not flagged true "
            "in domain 'custodian'",
        ]
    )


def test_unseeded_in_process_app_checks_what_it_holds(kit_pytester: pytest.Pytester) -> None:
    kit_pytester.makepyfile(
        prefilled=(
            "from kaizen_conformance.reference.hub import ReferenceHub\n"
            "from kaizen_conformance.roles.hub import hub_cases\n"
            "app = ReferenceHub(records=next(c for c in hub_cases() if c.id == 'similar-domains').records).wsgi\n"
        )
    )
    run = run_hub(kit_pytester, "--kaizen-hub-app=prefilled:app")
    outcomes = run.role_outcomes("hub")
    assert outcomes.pop("HUB-003[unseeded]") == "skipped" and set(outcomes.values()) == {"passed"}


# --------------------------------------------------------------------------- configuration errors


def test_a_seed_function_that_raises_is_a_configuration_error(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(
        broken_seed=(
            "from kaizen_conformance.reference.hub import seed as reference_seed\n"
            "def seed(app, records):\n"
            "    for record in records:\n"
            "        record['owner']['name']\n"
            "    reference_seed(app, records)\n"
        )
    )
    run = run_hub(
        kit_pytester, f"--kaizen-hub-app={REFERENCE}:app", "--kaizen-hub-seed=broken_seed:seed"
    )
    result = run.result
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of HUB-001[[]flag-history]*",
            "kaizen configuration error (not a verdict on the hub; none of its rules is checked in this run):",
            "--kaizen-hub-seed=broken_seed:seed (called seed(app, records) for case flag-history) raised KeyError: 'owner'",
            "    Traceback (most recent call last):",
            '      File "*broken_seed.py", line 4, in seed',
            "    KeyError: 'owner'",
        ]
    )
    result.stdout.no_fnmatch_line("FAILED*HUB-*")
    outcomes = result.parseoutcomes()
    # one error, not a failure: no HUB verdict was reached, and the rest of the role is not run
    assert "failed" not in outcomes and outcomes["errors"] == 1, outcomes
    result.stdout.fnmatch_lines(["  verdict: CONFIGURATION ERROR*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # The empty roster needs no record touched: the seed works there and the case is judged.
    assert run.role_outcomes("hub")["HUB-001[empty-roster]"] == "passed"


def test_a_seed_function_that_hangs_is_a_configuration_error(kit_pytester: pytest.Pytester) -> None:
    kit_pytester.makepyfile(slow_seed="import time\ndef seed(app, records):\n    time.sleep(30)\n")
    started = time.monotonic()
    run = run_hub(
        kit_pytester,
        f"--kaizen-hub-app={REFERENCE}:app",
        "--kaizen-hub-seed=slow_seed:seed",
        "--kaizen-timeout=2",  # what passes must pass within it on a loaded machine too
        "-k",
        "empty-roster or flag-history",
    )
    assert time.monotonic() - started < 25  # far less than the seed's 30 s sleep, twice over
    run.result.stdout.fnmatch_lines(
        [
            "--kaizen-hub-seed=slow_seed:seed (called seed(app, records) for case *) did not return within the "
            "per-call limit of 2 s",
        ]
    )


def test_nothing_listening_at_the_url_is_a_configuration_error(
    kit_pytester: pytest.Pytester,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    run = run_hub(kit_pytester, f"--kaizen-hub-url={url}")
    run.result.stdout.fnmatch_lines(
        [
            "kaizen configuration error (not a verdict on the hub; none of its rules is checked in this run):",
            f"the hub {url} (url, from --kaizen-hub-url) cannot be used: nothing answers at {url} (*refused*). "
            "Start the hub before the run, or fix --kaizen-hub-url",
        ]
    )
    assert "failed" not in run.result.parseoutcomes()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            (f"{SEED}",),
            f"ERROR: --kaizen-hub-seed={REFERENCE}:seed seeds a hub, but no hub is configured: "
            "give --kaizen-hub-app=module:attr or --kaizen-hub-url=URL as well",
        ),
        (
            ("--kaizen-hub-url=http://127.0.0.1:9", "--kaizen-hub-app-kind=wsgi"),
            "ERROR: --kaizen-hub-app-kind=wsgi applies to --kaizen-hub-app only*",
        ),
        (
            ("--kaizen-hub-app-kind=asgi",),
            "ERROR: --kaizen-hub-app-kind=asgi needs --kaizen-hub-app=module:attr",
        ),
        (
            ("--kaizen-hub-url=127.0.0.1:8000",),
            "ERROR: --kaizen-hub-url=127.0.0.1:8000 is not an http:// or https:// URL with a host*",
        ),
        (
            ("--kaizen-hub-url=http://127.0.0.1:8000/repos/?domain=x",),
            "ERROR: --kaizen-hub-url=*has a query or fragment; give the hub's base URL (the kit appends /repos/)",
        ),
        (
            ("--kaizen-hub-app=no_such_hub:app",),
            "ERROR: --kaizen-hub-app=no_such_hub:app: cannot import module 'no_such_hub'*",
        ),
        (
            (f"--kaizen-hub-app={REFERENCE}:app", "--kaizen-hub-seed=no_such_seed:seed"),
            "ERROR: --kaizen-hub-seed=no_such_seed:seed: cannot import module 'no_such_seed'*",
        ),
        (
            (f"--kaizen-hub-app={REFERENCE}:STAMP",),
            f"ERROR: --kaizen-hub-app={REFERENCE}:STAMP: a str object is not an ASGI or WSGI app (an app is callable)",
        ),
        (
            (f"--kaizen-hub-app={REFERENCE}:app", f"--kaizen-hub-seed={REFERENCE}:STAMP"),
            f"ERROR: --kaizen-hub-seed={REFERENCE}:STAMP: a str object is not callable",
        ),
    ],
)
def test_hub_options_that_cannot_work_are_usage_errors(
    pytester: pytest.Pytester, options: tuple[str, ...], message: str
) -> None:
    result = pytester.runpytest(
        "--pyargs", "kaizen_conformance", "-p", "no:cacheprovider", *options
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_an_app_whose_kind_cannot_be_told_needs_the_override(kit_pytester: pytest.Pytester) -> None:
    kit_pytester.makepyfile(
        wrapped=(
            "from kaizen_conformance.reference import hub\n"
            "def app(*args):\n"
            "    return hub.wsgi_app(*args)\n"
            "def seed(app, records):\n"
            "    hub.seed(hub.wsgi_app, records)\n"
        )
    )
    result = kit_pytester.runpytest(
        "--pyargs", "kaizen_conformance", "--kaizen-hub-app=wrapped:app"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --kaizen-hub-app=wrapped:app: cannot tell whether this function is an ASGI app (async, called with "
            "scope, receive, send) or a WSGI app (called with environ, start_response); say which with "
            "--kaizen-hub-app-kind=asgi or --kaizen-hub-app-kind=wsgi",
        ]
    )
    run = run_hub(
        kit_pytester,
        "--kaizen-hub-app=wrapped:app",
        "--kaizen-hub-app-kind=wsgi",
        "--kaizen-hub-seed=wrapped:seed",
    )
    assert set(run.role_outcomes("hub").values()) == {"passed"}


def test_ini_twins_configure_the_hub(kit_pytester: pytest.Pytester) -> None:
    kit_pytester.makeini(
        f"[pytest]\nkaizen_hub_app = {REFERENCE}:wsgi_app_v1\nkaizen_hub_seed = {REFERENCE}:seed\n"
        "kaizen_hub_profile = v1\nkaizen_hub_app_kind = wsgi\n"
    )
    run = run_hub(kit_pytester)
    assert len(run.role_outcomes("hub")) == expected_items("v1") and set(
        run.role_outcomes("hub").values()
    ) == {"passed"}
    run.result.stdout.fnmatch_lines(
        [f"hub (profile v1): {REFERENCE}:wsgi_app_v1 (app, from ini kaizen_hub_app)"]
    )


# --------------------------------------------------------------------------- ASGI lifespan and async seeds


LIFESPAN_APP = """
from kaizen_conformance.reference.hub import ReferenceHub

store = {}
MARK = __file__ + ".stopped"


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if FAIL:
                    await send({"type": "lifespan.startup.failed", "message": "database unreachable"})
                    return
                store["hub"] = ReferenceHub()
                scope["state"]["opened"] = True
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                open(MARK, "w").write("stopped")
                await send({"type": "lifespan.shutdown.complete"})
                return
    assert scope["state"]["opened"], "the lifespan state reaches every request"
    await store["hub"].asgi(scope, receive, send)


async def seed(app, records):
    store["hub"].replace(records)
"""


def test_the_kit_runs_the_asgi_lifespan_and_awaits_an_async_seed(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(lifespan_hub="FAIL = False\n" + LIFESPAN_APP)
    run = run_hub(
        kit_pytester, "--kaizen-hub-app=lifespan_hub:app", "--kaizen-hub-seed=lifespan_hub:seed"
    )
    assert len(run.role_outcomes("hub")) == expected_items("v2") and set(
        run.role_outcomes("hub").values()
    ) == {"passed"}
    assert (kit_pytester.path / "lifespan_hub.py.stopped").read_text() == "stopped"


def test_a_failing_lifespan_startup_is_a_configuration_error(kit_pytester: pytest.Pytester) -> None:
    kit_pytester.makepyfile(lifespan_hub="FAIL = True\n" + LIFESPAN_APP)
    run = run_hub(
        kit_pytester, "--kaizen-hub-app=lifespan_hub:app", "--kaizen-hub-seed=lifespan_hub:seed"
    )
    run.result.stdout.fnmatch_lines(
        [
            "the hub lifespan_hub:app (app, from --kaizen-hub-app) cannot be used: the app's lifespan startup "
            "failed: database unreachable",
        ]
    )
    assert "failed" not in run.result.parseoutcomes() and "error" in " ".join(
        run.result.parseoutcomes()
    )


# --------------------------------------------------------------------------- faulty hubs


def test_an_app_that_raises_shows_its_traceback_and_the_rest_still_runs(
    kit_pytester: pytest.Pytester,
) -> None:
    run = run_hub(
        kit_pytester,
        "--kaizen-hub-app=mutants.hub.crashes_on_bad_flag:app",
        "--kaizen-hub-seed=mutants.hub.crashes_on_bad_flag:seed",
    )
    outcomes = run.role_outcomes("hub")
    failed = {name for name, outcome in outcomes.items() if outcome == "failed"}
    assert failed == {f"HUB-015[{case.id}]" for case in hub_cases()}
    assert len(outcomes) == expected_items("v2")
    run.result.stdout.fnmatch_lines(
        [
            "  - GET /repos/?kaizen_schedule_enabled=maybe: the app raised KeyError: 'maybe'",
            "    Traceback (most recent call last):",
            '      File "*crashes_on_bad_flag.py", line *, in refuse',
            "        parse_flag(value)",
            '      File "*crashes_on_bad_flag.py", line *, in parse_flag',
            "    KeyError: 'maybe'",
        ]
    )


@pytest.mark.parametrize("where", ["live", "asgi", "wsgi"])
def test_a_hub_refusing_every_get_alike_is_a_configuration_error_quoting_it(
    kit_pytester: pytest.Pytester, served: Callable, where: str
) -> None:
    fault = {
        "kind": "status",
        "status": 500,
        "body": "<html><head><title>Internal Server Error</title></head><body>boom</body></html>",
    }
    hub = ReferenceHub(fault=fault)
    if where == "live":
        options = [f"--kaizen-hub-url={served(hub)}"]
    else:
        kit_pytester.makepyfile(
            faulty=f"from kaizen_conformance.reference.hub import ReferenceHub\n"
            f"app = ReferenceHub(fault={fault!r}).{where}\n"
        )
        options = ["--kaizen-hub-app=faulty:app"]
    run = run_hub(kit_pytester, *options)
    run.result.stdout.fnmatch_lines(
        [
            "kaizen configuration error (not a verdict on the hub*",
            "every GET of the hub's own data (* requests) answered 500 (page titled 'Internal Server "
            "Error'); the first: GET /repos/ answered 500 *",
            "Fix: the hub fails on every request: its log says why",
        ]
    )
    run.result.stdout.fnmatch_lines(["  verdict: CONFIGURATION ERROR*"])
    assert "failed" not in set(run.role_outcomes("hub").values())


FAULTS = [
    (
        {"kind": "not-json"},
        "  - GET /repos/ answered 200 (text/html; charset=utf-8): '<html><body>502 Bad Gateway</body></html>' — the "
        "body is not JSON (Expecting value: line 1 column 1 (char 0))",
    ),
    (
        {"kind": "not-array"},
        "  - GET /repos/ answered 200 (application/json): '{\"repos\": *' — a JSON object, not an array",
    ),
]


@pytest.mark.parametrize(("fault", "line"), FAULTS, ids=[f[0]["kind"] for f in FAULTS])
@pytest.mark.parametrize("where", ["live", "asgi", "wsgi"])
def test_a_failing_hub_fails_with_status_and_body_and_every_rule_is_judged(
    kit_pytester: pytest.Pytester, served: Callable, fault: dict, line: str, where: str
) -> None:
    hub = ReferenceHub(fault=fault)
    if where == "live":
        options = [f"--kaizen-hub-url={served(hub)}"]
    else:
        kit_pytester.makepyfile(
            faulty=f"from kaizen_conformance.reference.hub import ReferenceHub\n"
            f"app = ReferenceHub(fault={fault!r}).{where}\n"
        )
        options = ["--kaizen-hub-app=faulty:app"]
    run = run_hub(kit_pytester, *options)
    outcomes = run.role_outcomes("hub")
    assert outcomes.pop("HUB-003[unseeded]") == "skipped"
    assert outcomes["HUB-001[unseeded]"] == "failed" and set(outcomes.values()) <= {
        "failed",
        "passed",
    }
    assert len(outcomes) == len(contract.rules_for("hub", "v2")) - 1  # every other rule was judged
    run.result.stdout.fnmatch_lines([line])


def test_a_hub_that_never_answers_costs_one_limit(kit_pytester: pytest.Pytester) -> None:
    with silent_server() as url:
        started = time.monotonic()
        run = run_hub(kit_pytester, f"--kaizen-hub-url={url}", "--kaizen-timeout=3")
        elapsed = time.monotonic() - started
    # one limit plus start-up on a loaded machine; each of its requests waiting a limit would take
    # several times as long
    assert elapsed < 15, f"took {elapsed:.1f} s"
    outcomes = run.role_outcomes("hub")
    assert outcomes.pop("HUB-003[unseeded]") == "skipped" and set(outcomes.values()) == {"failed"}
    run.result.stdout.fnmatch_lines(
        [
            "  - GET /repos/: no answer within the per-call limit of 3 s (--kaizen-timeout)",
            "  - GET /repos/?kaizen_schedule_enabled=maybe: not attempted: the hub has not answered any request yet "
            "(GET /repos/ ran past the 3 s limit, --kaizen-timeout)",
        ]
    )


def test_a_hub_that_hangs_on_one_kind_of_query_is_judged_on_the_others(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(
        hangs=(
            "import asyncio\n"
            "from kaizen_conformance.reference.hub import ReferenceHub, seed\n"
            "hub = ReferenceHub()\n"
            "async def app(scope, receive, send):\n"
            "    if scope['type'] == 'http' and b'kaizen_schedule_enabled=maybe' in scope['query_string']:\n"
            "        await asyncio.sleep(3600)\n"
            "    await hub.asgi(scope, receive, send)\n"
            "app.hub = hub\n"
        )
    )
    started = time.monotonic()
    run = run_hub(
        kit_pytester,
        "--kaizen-hub-app=hangs:app",
        "--kaizen-hub-seed=hangs:seed",
        "--kaizen-timeout=2",  # what passes must pass within it on a loaded machine too
        "-k",
        "mixed-fleet or timestamps",
    )
    assert time.monotonic() - started < 30  # one stall per kind of query, not one per query
    assert run.failed_rules() == {"HUB-015"}
    run.result.stdout.fnmatch_lines(
        [
            "  - GET /repos/?kaizen_schedule_enabled=maybe: no answer within the per-call limit of 2 s (--kaizen-timeout)",
            "  - GET /repos/?kaizen_schedule_enabled=: not attempted: GET /repos/?kaizen_schedule_enabled=maybe (a query "
            "of the same kind) did not answer within the 2 s limit",
        ]
    )


def test_a_live_hub_that_redirects_is_not_followed(
    kit_pytester: pytest.Pytester, served: Callable
) -> None:
    """GET /repos/ itself must answer; a redirect (to /repos, say) is the run's configuration
    error, with the status and where it pointed, not 11 rules failed on an empty body."""
    url = served(ReferenceHub(fault={"kind": "status", "status": 307, "body": ""}))
    run = run_hub(kit_pytester, f"--kaizen-hub-url={url}", "-k", "HUB-001")
    run.result.stdout.fnmatch_lines(
        [
            "the hub answered GET /repos/ with 307, redirecting to no Location header: the kit "
            "follows no redirect and the contract's path is /repos/. Fix: serve GET /repos/ with "
            "the trailing slash*",
        ]
    )
    assert "failed" not in run.result.parseoutcomes()


def test_an_app_that_blocks_its_event_loop_is_not_asked_again(
    kit_pytester: pytest.Pytester,
) -> None:
    kit_pytester.makepyfile(
        blocks=(
            "import time\n"
            "from kaizen_conformance.reference.hub import ReferenceHub, seed\n"
            "hub = ReferenceHub()\n"
            "async def app(scope, receive, send):\n"
            "    if scope['type'] == 'http' and b'kaizen_schedule_enabled=maybe' in scope['query_string']:\n"
            "        time.sleep(3)  # a blocking call inside an async endpoint\n"
            "    await hub.asgi(scope, receive, send)\n"
            "app.hub = hub\n"
        )
    )
    started = time.monotonic()
    run = run_hub(
        kit_pytester,
        "--kaizen-hub-app=blocks:app",
        "--kaizen-hub-seed=blocks:seed",
        # well under the app's 3 s block (the kit waits 1 s more to see the loop is blocked), and
        # room for what passes to pass on a loaded machine
        "--kaizen-timeout=1",
        "-k",
        "flag-history",
    )
    assert time.monotonic() - started < 20
    run.result.stdout.fnmatch_lines(
        [
            "  - GET /repos/?kaizen_schedule_enabled=maybe: no answer within the per-call limit of 1 s (--kaizen-timeout)",
            "  - GET /repos/?kaizen_schedule_enabled=: not attempted: the app blocks its event loop (a blocking call "
            "inside an async endpoint?): nothing more can be asked of it",
        ]
    )
