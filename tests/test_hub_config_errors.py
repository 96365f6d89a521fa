"""Configuration errors that hide nothing: a hub refusing every GET alike (Django's
DisallowedHost), and a seed or a hub that fails only on one case's valid values, which is the
hub's failure on that case, never a configuration error."""

from __future__ import annotations

import pytest
from kitrun import run_kit

# A WSGI hub that behaves as a Django project does (DEBUG=True) when ALLOWED_HOSTS does not
# accept the request's Host: 400 with the DisallowedHost page. Its store cannot hold a leap
# second, as Django's DateTimeField cannot; with LEAP_500 the app stores it and then answers
# 500 on every GET, as a JavaScript Date does.
DJANGO_LIKE = """
from kaizen_conformance.reference.hub import ReferenceHub

ALLOWED_HOSTS = {allowed!r}
LEAP_500 = {leap_500!r}
HUB = ReferenceHub()
PAGE = (
    "<!DOCTYPE html><html lang=en><head><title>DisallowedHost\\n          at /repos/</title></head>"
    "<body><pre class=exception_value>Invalid HTTP_HOST header: &#x27;testserver&#x27;. You may "
    "need to add &#x27;testserver&#x27; to ALLOWED_HOSTS.</pre></body></html>"
)


class ValidationError(Exception):
    pass


def app(environ, start_response):
    if environ.get("HTTP_HOST", "").split(":")[0] not in ALLOWED_HOSTS:
        start_response("400 Bad Request", [("Content-Type", "text/html; charset=utf-8")])
        return [PAGE.encode()]
    if LEAP_500 and any(":60" in str(r.get("kaizen_schedule_updated_at")) for r in HUB.records):
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
        return [b"RangeError: Invalid time value"]
    return HUB.wsgi(environ, start_response)


def seed(app, records):
    for record in records:
        stamp = record.get("kaizen_schedule_updated_at") or ""
        if ":60" in stamp and not LEAP_500:
            raise ValidationError(
                f"['\\u201c{{stamp}}\\u201d value has the correct format "
                "(YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time.']"
            )
    HUB.replace(records)
"""


def django_like(pytester: pytest.Pytester, allowed: list[str], leap_500: bool = False) -> None:
    pytester.makepyfile(djangoish=DJANGO_LIKE.format(allowed=allowed, leap_500=leap_500))


def run_django_like(pytester: pytest.Pytester, *args: str):  # type: ignore[no-untyped-def]
    return run_kit(
        pytester,
        "--kaizen-hub-app=djangoish:app",
        "--kaizen-hub-seed=djangoish:seed",
        "-k",
        "HUB-",
        *args,
    )


def test_django_disallowed_host_is_one_configuration_error_naming_allowed_hosts(
    kit_pytester: pytest.Pytester,
) -> None:
    django_like(kit_pytester, ["localhost"])
    run = run_django_like(kit_pytester)
    run.result.stdout.fnmatch_lines(
        [
            "*= kaizen conformance =*",
            "hub (profile v2): djangoish:app (app, from --kaizen-hub-app)",
            "  configuration error (no rule was judged, none passed):",
            "    every GET of case empty-roster (* requests) answered 400 (page titled "
            "'DisallowedHost at /repos/'); the first: GET /repos/ answered 400 (text/html*",
            "    This is Django refusing the request's Host (DisallowedHost): the kit's requests carry "
            "Host: testserver, as test clients do. Fix: ALLOWED_HOSTS must accept 'testserver'*"
            "--kaizen-hub-url",
            "  verdict: CONFIGURATION ERROR*",
        ]
    )
    # the seed's trouble with the leap second comes later, and is not what the run reports
    assert "ValidationError" not in run.result.stdout.str()


def test_a_seed_failing_on_the_leap_second_alone_is_the_hubs_failure_on_hub_003(
    kit_pytester: pytest.Pytester,
) -> None:
    django_like(kit_pytester, ["testserver"])
    run = run_django_like(kit_pytester)
    outcomes = run.role_outcomes("hub")
    failed = {name for name, outcome in outcomes.items() if outcome == "failed"}
    # the two cases that seed a leap second, and only they
    leap_cases = ("[timestamp-edges]", "[leap-second-fraction]")
    assert failed == {f"HUB-003{case}" for case in leap_cases}, run.result.stdout.str()[-3000:]
    skipped = {name for name, outcome in outcomes.items() if outcome == "skipped"}
    assert skipped and all(name.endswith(leap_cases) for name in skipped)
    (failure,) = [f for f in run.failures("HUB-003") if f.name.endswith("[timestamp-edges]")]
    assert failure.kind == "crashed"
    for words in (
        "the hub could not be seeded with case timestamp-edges, though the seed works for other "
        "cases; every value of the case is one the contract allows",
        "raised ValidationError",
        'a leap second (valid: contract 7.7): edge/leap-second kaizen_schedule_updated_at "2016-12-31T23:59:60Z"',
    ):
        assert words in failure.message, failure.message
    run.result.stdout.fnmatch_lines(["  verdict: DOES NOT CONFORM"])
    assert "configuration error" not in run.result.stdout.str()


def test_a_hub_answering_500_on_the_leap_second_case_fails_it_saying_what_it_seeds(
    kit_pytester: pytest.Pytester,
) -> None:
    """The first case of the run refused alike on every GET, but an empty roster is served:
    the refusal is the data's, so the case's rules fail (no configuration error)."""
    django_like(kit_pytester, ["testserver"], leap_500=True)
    run = run_django_like(kit_pytester, "-k", "timestamp-edges")
    outcomes = run.role_outcomes("hub")
    assert outcomes["HUB-001[timestamp-edges]"] == "failed", run.result.stdout.str()[-3000:]
    assert "configuration error" not in run.result.stdout.str()
    (failure,) = run.failures("HUB-001")
    assert "what case timestamp-edges seeds that matters:" in failure.message
    assert "a leap second (valid: contract 7.7)" in failure.message
    assert "the -00:00 offset (valid: contract 7.7)" in failure.message


def test_a_json_refusal_is_quoted_by_its_detail(kit_pytester: pytest.Pytester) -> None:
    kit_pytester.makepyfile(
        locked="""
import json

def app(environ, start_response):
    start_response("403 Forbidden", [("Content-Type", "application/json")])
    return [json.dumps({"detail": "Authentication credentials were not provided."}).encode()]
"""
    )
    run = run_kit(kit_pytester, "--kaizen-hub-app=locked:app", "-k", "HUB-")
    run.result.stdout.fnmatch_lines(
        [
            "*every GET of the hub's own data (* requests) answered 403 (JSON detail "
            '"Authentication credentials were not provided.")*',
            "*Fix: the hub forbids the kit's requests*",
        ]
    )
