"""Schemathesis, a client nobody here wrote, drives the shipped OpenAPI documents against the
reference hub (v1 and v2, ASGI and WSGI) and the example FastAPI hub, in-process, with every
check it has: server errors, status codes, content types, headers (a 405's ``Allow``), response
schemas, negative and positive data, unsupported methods."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip(
    "schemathesis", reason="in the test extra: pip install -e '.[test]'"
)
pytest.importorskip("fastapi", reason="in the test extra: pip install -e '.[test]'")

from hypothesis import HealthCheck, settings  # noqa: E402 - after the importorskip
from schemathesis import checks as schemathesis_checks  # noqa: E402

from kaizen_conformance.contract.openapi import document  # noqa: E402
from kaizen_conformance.reference.hub import ReferenceHub  # noqa: E402

schemathesis_checks.load_all_checks()
ALL_CHECKS = schemathesis_checks.CHECKS.get_all()
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
# A roster with the edges the documents allow: a leap second, a sub-microsecond fraction, a
# repo never flagged, an empty host_paths, non-ASCII text.
ROSTER: list[dict[str, Any]] = [
    {
        "slug": "edge/leap",
        "domain": "edge",
        "host_paths": {"runner-01": "/srv/edge/leap"},
        "kaizen_schedule_enabled": True,
        "kaizen_schedule_updated_at": "2016-12-31T23:59:60Z",
    },
    {
        "slug": "edge/nanos",
        "domain": "edge",
        "host_paths": {"runner-01": "/srv/edge/nanos", "runner-02": "/srv/ünï"},
        "kaizen_schedule_enabled": False,
        "kaizen_schedule_updated_at": "2026-06-17T06:19:51.123456789+05:30",
    },
    {"slug": "plain/never", "domain": "plain", "host_paths": {}},
]


def schema_for(profile: str, app: Any) -> Any:
    schema = schemathesis.openapi.from_dict(document(profile))
    schema.app = app
    return schema


reference_v2 = ReferenceHub("v2", ROSTER)
reference_v1 = ReferenceHub("v1", ROSTER)
reference_v2_asgi = schema_for("v2", reference_v2.asgi)
reference_v2_wsgi = schema_for("v2", reference_v2.wsgi)
reference_v1_asgi = schema_for("v1", reference_v1.asgi)


@reference_v2_asgi.parametrize()
@EXAMPLES
def test_the_reference_hub_v2_asgi(case: Any) -> None:
    case.call_and_validate(checks=ALL_CHECKS)


@reference_v2_wsgi.parametrize()
@EXAMPLES
def test_the_reference_hub_v2_wsgi(case: Any) -> None:
    case.call_and_validate(checks=ALL_CHECKS)


@reference_v1_asgi.parametrize()
@EXAMPLES
def test_the_reference_hub_v1(case: Any) -> None:
    case.call_and_validate(checks=ALL_CHECKS)


def example_hub() -> Any:
    """The example FastAPI hub on a database of this module's own, seeded with ROSTER."""
    from consumers.state_hub.kaizen import seed
    from consumers.state_hub.main import app, create_schema

    app.state.database = str(Path(DATABASE.name) / "hub.db")
    create_schema(app.state.database)
    seed(app, ROSTER)
    return app


DATABASE = tempfile.TemporaryDirectory(prefix="kaizen-schemathesis-")  # removed when collected
example_v2 = schema_for("v2", example_hub())


@example_v2.parametrize()
@EXAMPLES
def test_the_example_fastapi_hub(case: Any) -> None:
    case.call_and_validate(checks=ALL_CHECKS)


def test_the_documents_are_the_shipped_files() -> None:
    from kaizen_conformance.contract import CONTRACT_DIR

    shipped = json.loads(Path(CONTRACT_DIR / "openapi.json").read_text(encoding="utf-8"))
    assert shipped == document("v2")
