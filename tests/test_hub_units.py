"""The hub role's parts on their own: RFC 3339, app detection, case linting, the OpenAPI document."""

from __future__ import annotations

import importlib
import json
import pkgutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import mutants.hub
import pytest

from kaizen_conformance import contract
from kaizen_conformance.adapters.hub import HubAnswer, detect_app_kind
from kaizen_conformance.cases.hub import hub_cases, load_hub_case, probes, select
from kaizen_conformance.cases.loading import FixtureError
from kaizen_conformance.contract.catalogue import CONTRACT_DIR
from kaizen_conformance.reference import hub as reference
from kaizen_conformance.roles.hub import (
    json_equal,
    rfc3339_instant,
    rfc3339_problem,
    validator_for,
)

# --------------------------------------------------------------------------- RFC 3339

VALID = [
    "2026-06-17T06:19:51Z",
    "2026-06-17t06:19:51z",  # RFC 3339 5.6: T and Z may be lower case
    "2026-06-17T11:49:51+05:30",
    "2026-06-17T06:19:51.123456789-08:00",  # any number of fraction digits
    "2024-02-29T00:00:00Z",  # a leap day
    "2000-02-29T00:00:00+00:00",  # divisible by 400: leap
    "1990-12-31T23:59:60Z",  # a leap second, at 23:59:60 UTC
    "1990-12-31T15:59:60-08:00",  # the same leap second, in Pacific time
    "2026-06-17T06:19:51-00:00",  # unknown local offset (RFC 3339 4.3)
    "0001-01-01T00:00:00Z",
]

INVALID = [
    ("2026-06-17T06:19:51", "has no offset: a local time names no instant"),
    ("2026-06-17 06:19:51+00:00", "separates date and time with ' '"),
    ("2026-06-17T06:19:51+0000", "has the offset '+0000'; RFC 3339 wants Z or ±hh:mm"),
    ("2026-06-17T06:19Z", "has no seconds"),
    ("2026-02-29T00:00:00Z", "day 29 does not exist in 2026-02"),
    ("1900-02-29T00:00:00Z", "day 29 does not exist in 1900-02"),
    ("2026-04-31T00:00:00Z", "day 31 does not exist in 2026-04"),
    ("2026-13-01T00:00:00Z", "has month 13"),
    ("2026-06-17T24:00:00Z", "time of day out of range (24:00:00)"),
    ("2026-06-17T06:60:00Z", "time of day out of range"),
    ("2026-06-17T06:19:60Z", "second 60, which exists only at 23:59:60 UTC"),
    ("2026-06-17T06:19:51+24:00", "offset out of range (+24:00)"),
    ("2026-06-17T06:19:51.Z", "has the offset '.Z'"),  # a fraction needs a digit
    ("٢٠٢٦-06-17T06:19:51Z", "characters outside ASCII"),  # digits, but not ASCII ones
    ("2026-06-17T06:19:51Z\n", "has the offset 'Z\\n'"),  # no trailing newline sneaks past $
    ("2026-168T06:19:51Z", "is not an RFC 3339 date-time"),  # ISO 8601 ordinal date
    ("2026-06-17", "is not an RFC 3339 date-time"),
    ("", "is not an RFC 3339 date-time"),
    (1781677191, "a JSON number, not a date-time string"),
    (None, "a JSON null, not a date-time string"),
]


@pytest.mark.parametrize("value", VALID)
def test_rfc3339_accepts(value: str) -> None:
    assert rfc3339_problem(value) == ""


@pytest.mark.parametrize(("value", "reason"), INVALID, ids=[repr(v) for v, _ in INVALID])
def test_rfc3339_refuses_with_a_reason(value: Any, reason: str) -> None:
    assert reason in rfc3339_problem(value)


def test_rfc3339_instants_compare_exactly_across_offsets_and_precisions() -> None:
    assert rfc3339_instant("2026-06-17T06:19:51Z") == rfc3339_instant("2026-06-17T11:49:51+05:30")
    assert rfc3339_instant("2026-06-17T06:19:51Z") == rfc3339_instant("2026-06-16T23:19:51-07:00")
    assert rfc3339_instant("2025-12-31T23:59:59.25-08:00") == rfc3339_instant(
        "2026-01-01T07:59:59.250000Z"
    )
    assert rfc3339_instant("2026-06-17T06:19:51.000000001Z") - rfc3339_instant(
        "2026-06-17T06:19:51Z"
    ) == Fraction(1, 10**9)
    assert rfc3339_instant("1970-01-01T00:00:00Z") == 0
    assert rfc3339_instant("2026-06-17T06:19:51Z") == 1781677191


def test_the_record_schema_uses_the_same_strict_date_time() -> None:
    record = {
        "slug": "a/b",
        "domain": "a",
        "host_paths": {},
        "kaizen_schedule_enabled": True,
        "kaizen_schedule_updated_at": "2026-06-17T06:19:51",
    }
    assert [e.json_path for e in validator_for("v2").iter_errors(record)] == [
        "$.kaizen_schedule_updated_at"
    ]
    record["kaizen_schedule_updated_at"] = "2026-06-17T06:19:51Z"
    assert not list(validator_for("v2").iter_errors(record))
    del record["kaizen_schedule_updated_at"]
    assert [e.validator for e in validator_for("v2").iter_errors(record)] == ["required"]
    assert not list(validator_for("v1").iter_errors(record))


def test_json_equal_tells_true_from_one() -> None:
    assert not json_equal({"a": True}, {"a": 1})
    assert json_equal({"a": 1, "b": [1, {"c": None}]}, {"b": [1.0, {"c": None}], "a": 1})
    assert not json_equal({"a": {}}, {"a": None})


# --------------------------------------------------------------------------- apps and answers


async def _asgi(scope: Any, receive: Any, send: Any) -> None:
    pass


class _AsgiClass:
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        pass


class _Asgi3Sync:
    """An ASGI middleware whose __call__ is not itself async but returns the awaitable."""

    def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        return _asgi(scope, receive, send)


def _wsgi(environ: Any, start_response: Any) -> list[bytes]:
    return []


@pytest.mark.parametrize(
    ("app", "kind"),
    [
        (_asgi, "asgi"),
        (_AsgiClass(), "asgi"),
        (_Asgi3Sync(), "asgi"),
        (_wsgi, "wsgi"),
        (reference.app, "asgi"),
        (reference.wsgi_app, "wsgi"),
        (lambda *args: None, None),
        (_AsgiClass, None),
        (lambda request: None, None),
    ],
)
def test_app_kind_detection(app: Any, kind: str | None) -> None:
    assert detect_app_kind(app) == kind


def test_fastapi_and_a2wsgi_style_apps_are_detected() -> None:
    fastapi = pytest.importorskip("fastapi")
    assert detect_app_kind(fastapi.FastAPI()) == "asgi"


def test_an_answer_quotes_the_first_bytes_of_a_long_body() -> None:
    answer = HubAnswer((("domain", "r&d"),), 502, "text/html", b"<html>" + b"x" * 500)
    text = answer.describe()
    assert text.startswith("GET /repos/?domain=r%26d answered 502 (text/html): '<html>xxx")
    assert text.endswith("... (306 more bytes)")
    assert (
        HubAnswer((), 200, "application/json", b"\xff")
        .listing()[1]
        .endswith("the body is not UTF-8 (invalid start byte at byte 0)")
    )
    assert (
        HubAnswer((), 200, "application/json", b"[NaN]")
        .listing()[1]
        .endswith("the body is not JSON (NaN is not a JSON value)")
    )


# --------------------------------------------------------------------------- golden cases


def test_every_case_loads_and_covers_every_rule() -> None:
    cases = hub_cases()
    assert len(cases) >= 8
    rules = {q.rule for case in cases for q in case.queries}
    assert rules == {"HUB-004", "HUB-012", "HUB-013", "HUB-014"}
    records = [r for case in cases for r in case.records]
    assert any(r["host_paths"] == {} for r in records), "an empty host_paths"
    assert any("kaizen_schedule_enabled" not in r for r in records), "a repo never flagged"
    assert any(not r["slug"].isascii() for r in records), "a slug outside ASCII"
    assert {r.get("kaizen_schedule_enabled") for r in records} >= {True, False}
    assert max(len(case.records) for case in cases) > 100, "a roster longer than a default page"


def test_every_case_record_is_valid_for_the_reference_seed() -> None:
    for case in hub_cases():
        reference.ReferenceHub("v2", records=case.records)


def write_case(tmp_path: Path, text: str) -> Path:
    case_dir = tmp_path / "a-case"
    case_dir.mkdir()
    (case_dir / "case.yml").write_text(text, encoding="utf-8")
    return case_dir


RECORD = (
    "  - {slug: a/one, domain: a, host_paths: {}, kaizen_schedule_enabled: true, "
    "kaizen_schedule_updated_at: '2026-06-17T06:19:51Z'}\n"
)


@pytest.mark.parametrize(
    ("body", "problem", "where"),
    [
        (
            "records:\n" + RECORD + "queries:\n  - {params: {domain: a}, expect: []}\n",
            "expect lists [] but the records give ['a/one'] for {'domain': 'a'}",
            "$.queries[0].expect",
        ),
        (
            "records:\n" + RECORD + RECORD + "queries: []\n",
            "slug 'a/one' is seeded twice",
            "$.records[1].slug",
        ),
        (
            "records:\n  - {slug: a/one, domain: a, host_paths: {}, kaizen_schedule_enabled: true,"
            " kaizen_schedule_updated_at: 2026-06-17T06:19:51Z}\nqueries: []\n",
            "is not valid under any of the given schemas",
            "$.records[0].kaizen_schedule_updated_at",
        ),
        (
            "records:\n  - {slug: a/one, domain: a, host_paths: {}, kaizen_schedule_enabled: true,"
            " kaizen_schedule_updated_at: '2026-06-17 06:19:51Z'}\nqueries: []\n",
            "date",
            "$.records[0].kaizen_schedule_updated_at",
        ),  # the schema's date-time, or the kit's stricter one
        (
            "records:\n  - {slug: a/one, domain: a, host_paths: {}, kaizen_schedule_enabled: false}\nqueries: []\n",
            "gives one of kaizen_schedule_enabled and kaizen_schedule_updated_at without the other",
            "$.records[0]",
        ),
        (
            "records: []\nqueries:\n  - {params: {kaizen_schedule_enabled: maybe}, expect: []}\n",
            "'maybe' is not one of the allowed values",
            "$.queries[0].params.kaizen_schedule_enabled",
        ),
        (
            "records:\n  - {slug: x, domain: kaizen-conformance-unknown-domain, host_paths: {}}\nqueries: []\n",
            "is the probe for an unknown domain",
            "$.records[0].domain",
        ),
    ],
    ids=[
        "wrong-expectation",
        "duplicate-slug",
        "unquoted-timestamp",
        "timestamp-with-space",
        "flag-without-time",
        "flag-value",
        "probe-domain",
    ],
)
def test_a_malformed_case_is_a_fixture_error_saying_where(
    tmp_path: Path, body: str, problem: str, where: str
) -> None:
    case_dir = write_case(tmp_path, "description: a case\n" + body)
    with pytest.raises(FixtureError) as caught:
        load_hub_case(case_dir, probes())
    assert caught.value.path == str(case_dir / "case.yml")
    assert problem in caught.value.problem
    assert caught.value.where == where


def test_select_is_the_contract_filter() -> None:
    records = [
        {"slug": "a", "domain": "x", "kaizen_schedule_enabled": True},
        {"slug": "b", "domain": "x"},
        {"slug": "c", "domain": "X", "kaizen_schedule_enabled": False},
    ]
    assert select(records, (("kaizen_schedule_enabled", "false"),)) == ["b", "c"]
    assert select(records, (("domain", "x"), ("kaizen_schedule_enabled", "true"))) == ["a"]


# --------------------------------------------------------------------------- mutants and the reference seed


def hub_mutants() -> list[Any]:
    return [
        importlib.import_module(f"mutants.hub.{info.name}")
        for info in pkgutil.iter_modules(mutants.hub.__path__)
        if not info.name.startswith("_")
    ]


@pytest.mark.parametrize("mutant", hub_mutants(), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_hub_mutant_is_seeded_without_error(mutant: Any) -> None:
    """A mutant killed by a seed error would prove nothing: its seed must work on every case."""
    for case in hub_cases():
        mutant.seed(mutant.app, [dict(r) for r in case.records])
    assert mutant.KILLS and all(rule.startswith("HUB-") for rule in mutant.KILLS)


# --------------------------------------------------------------------------- the OpenAPI document


def openapi(profile: str = "v2") -> dict[str, Any]:
    """The shipped document of a profile, as a team reads it from the wheel."""
    name = "openapi.json" if profile == "v2" else f"openapi-{profile}.json"
    document: dict[str, Any] = json.loads((CONTRACT_DIR / name).read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_the_openapi_document_is_valid_openapi_3_1(profile: str) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    document = openapi(profile)
    assert document["openapi"].startswith("3.1")
    validator.validate(document)


def test_the_shipped_v1_document_is_derived_from_the_v2_one() -> None:
    from kaizen_conformance.contract.openapi import text

    assert (CONTRACT_DIR / "openapi-v1.json").read_text(encoding="utf-8") == text("v1"), (
        "regenerate it: kaizen-conformance openapi v1 > kaizen_conformance/contract/openapi-v1.json"
    )


def test_the_v1_document_has_no_flag() -> None:
    operation = openapi("v1")["paths"]["/repos/"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["domain"]
    assert set(operation["responses"]) == {"200"}
    assert "kaizen_schedule_enabled" not in openapi("v1")["components"]["schemas"]["HubRecord"].get(
        "required", []
    )


def test_the_openapi_record_is_the_record_schema() -> None:
    document = openapi()
    record = document["components"]["schemas"]["HubRecord"]
    schema = contract.schema("hub-record")
    for key in ("type", "required", "properties"):
        assert record[key] == schema[key], key
    v2 = document["components"]["schemas"]["HubRecordV2"]
    assert v2["required"] == schema["$defs"]["hub-record-v2"]["required"]
    operation = document["paths"]["/repos/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"domain", "kaizen_schedule_enabled"}
    assert set(operation["responses"]) == {"200", "400", "422"}


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_what_the_reference_hub_serves_validates_against_the_openapi_response(
    profile: str,
) -> None:
    from jsonschema import Draft202012Validator

    document = openapi(profile)
    response = document["paths"]["/repos/"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    validator = Draft202012Validator({**response, "components": document["components"]})
    for case in hub_cases():
        served = reference.ReferenceHub(profile, records=case.records).records()
        assert not list(validator.iter_errors(served)), case.id


def test_the_example_fastapi_hub_documents_the_same_interface() -> None:
    pytest.importorskip("fastapi")
    from consumers.state_hub.main import app

    generated = app.openapi()["paths"]["/repos/"]["get"]
    ours = openapi()["paths"]["/repos/"]["get"]
    assert {p["name"] for p in generated["parameters"]} == {p["name"] for p in ours["parameters"]}
    record = app.openapi()["components"]["schemas"]["Repo"]
    assert set(record["required"]) == set(
        openapi()["components"]["schemas"]["HubRecord"]["properties"]
    )


def test_a_v1_case_names_no_flag_edge_its_hub_was_never_seeded_with() -> None:
    """A v1 hub is seeded without flag fields (decision 25): a failing message must not point at
    "never flagged" or timestamp edges of its case."""
    from kaizen_conformance.cases.hub import FLAG, STAMP, as_seeded
    from kaizen_conformance.cases.hub_edges import seeded_edges

    records = [
        {"slug": "a/never", "domain": "a", "host_paths": {}},
        {
            "slug": "a/leap",
            "domain": "a",
            "host_paths": {"h": "/x"},
            FLAG: True,
            STAMP: "2016-12-31T23:59:60Z",
        },
    ]
    assert {e.field for e in seeded_edges(records, "v2")} >= {FLAG, STAMP}
    assert not {e.field for e in seeded_edges(records, "v1")} & {FLAG, STAMP}
    assert all(FLAG not in r and STAMP not in r for r in as_seeded(records, "v1"))
    assert as_seeded(records, "v2") == records
