"""The prepared event is a CloudEvent as real consumers read it, and PRE-001 follows the spec.

Every event the reference prepare makes over the fixture cases is read by the CloudEvents
Python SDK (the structured JSON format, and the SDK's HTTP ``from_json``), as a consumer
would. The kit's schema is held to CloudEvents 1.0 on both sides: it allows what the spec
allows (null extensions and dataschema, long extension names as a SHOULD finding) and refuses
what the spec forbids (control characters and lone surrogates in String attributes, Integer
attributes beyond 32 bits, a member given twice).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kaizen_conformance import contract
from kaizen_conformance.adapters.prepare import parse_stdout
from kaizen_conformance.cases.loading import fixtures_root
from kaizen_conformance.cases.prepare import fixture_cases
from kaizen_conformance.reference import prepare as reference
from kaizen_conformance.roles.prepare import lone_surrogates

EXAMPLE = Path(__file__).parents[1] / "docs" / "prepare.md"


def events_of_the_reference(root: Path) -> list[tuple[str, dict[str, Any]]]:
    made = []
    for case in fixture_cases(fixtures_root()):
        agents = [agent for agent, expect in case.agents.items() if expect.is_event]
        if not agents:
            continue
        materialised = case.materialise(root / case.id)
        for agent in agents:
            made.append((f"{case.id}/{agent}", reference.prepare(materialised.given, agent)))
    return made


def test_every_reference_event_is_read_by_the_cloudevents_sdk(tmp_path: Path) -> None:
    from cloudevents.core.formats.json import JSONFormat
    from cloudevents.v1.http import from_json

    made = events_of_the_reference(tmp_path)
    assert len(made) >= 10
    for name, event in made:
        text = json.dumps(event, ensure_ascii=False)
        read = JSONFormat().read(None, text)
        assert read.get_id() == event["id"], name
        assert read.get_type() == "kaizen.schedule.prepared", name
        assert read.get_subject() == event["subject"], name
        assert read.get_data() == event["data"], name
        assert read.get_time() is not None, name
        legacy = from_json(text)
        assert legacy["source"] == event["source"] and legacy.data == event["data"], name
        assert contract.validator("prepared-event").is_valid(event), name


def example_event() -> dict[str, Any]:
    """The complete example event of docs/prepare.md (the first ```json block after its heading)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("## A complete prepared event")
    block = text[text.index("```json\n", start) + len("```json\n") :]
    loaded: dict[str, Any] = json.loads(block[: block.index("```")])
    return loaded


def test_the_documented_example_event_is_valid_everywhere() -> None:
    from cloudevents.core.formats.json import JSONFormat

    event = example_event()
    assert list(contract.validator("prepared-event").iter_errors(event)) == []
    assert JSONFormat().read(None, json.dumps(event)).get_id() == event["id"]


def with_changes(**changes: Any) -> dict[str, Any]:
    event = example_event()
    event.update(changes)
    return event


@pytest.mark.parametrize(
    ("changes", "valid"),
    [
        pytest.param({"kaizenrun": None}, True, id="null-extension-is-unset"),
        pytest.param({"dataschema": None}, True, id="null-dataschema-is-unset"),
        pytest.param({"kaizenpreparedbyagentic": "x"}, True, id="long-extension-name-is-a-should"),
        pytest.param({"kaizenseq": 2**31 - 1}, True, id="int32-max"),
        pytest.param({"kaizenseq": -(2**31)}, True, id="int32-min"),
        pytest.param({"kaizenseq": 2**31}, False, id="int32-overflow"),
        pytest.param({"kaizenseq": 2**40}, False, id="int-2-to-the-40"),
        pytest.param({"id": "run-1\n"}, False, id="newline-in-id"),
        pytest.param({"id": "run\x001"}, False, id="nul-in-id"),
        pytest.param({"id": "run\x851"}, False, id="c1-control-in-id"),
        pytest.param({"id": "run\x7f1"}, False, id="delete-in-id"),
        pytest.param({"kaizenrun": "a\tb"}, False, id="tab-in-extension-string"),
        pytest.param({"source": "kaizen\nagentic"}, False, id="newline-in-source"),
        pytest.param({"dataschema": "prepared.schema.json"}, False, id="relative-dataschema"),
        pytest.param({"datacontenttype": "application/json; charset=utf-8"}, False, id="ct-params"),
        pytest.param({"datacontenttype": "Application/JSON"}, False, id="ct-case"),
        pytest.param({"Kaizenrun": "x"}, False, id="extension-name-capitals"),
    ],
)
def test_the_schema_follows_cloudevents(changes: dict[str, Any], valid: bool) -> None:
    assert contract.validator("prepared-event").is_valid(with_changes(**changes)) is valid


def test_a_lone_surrogate_in_a_string_attribute_fails_pre_001() -> None:
    assert lone_surrogates(with_changes(id="run-\ud800")) != []
    assert lone_surrogates(with_changes(kaizenrun="\udfff")) != []
    assert lone_surrogates(with_changes(id="run-\U0001f600")) == []  # a pair is one character


def test_a_member_given_twice_is_not_one_json_object() -> None:
    data = b'{"id": "a", "id": "b"}\n'
    event, problem = parse_stdout(data, len(data), "'{...'")
    assert event is None and "member 'id' is given twice" in problem
    data = b'{"data": {"agent": "a", "agent": "b"}}'
    event, problem = parse_stdout(data, len(data), "'{...'")
    assert event is None and "member 'agent' is given twice" in problem


def test_the_kits_schema_allows_nothing_the_cloudevents_schema_forbids() -> None:
    """The official schema's constraints on each attribute, restated: ours is at least as strict."""
    ours = contract.schema("prepared-event")
    assert {"specversion", "id", "source", "type"} <= set(ours["required"])
    properties = ours["properties"]
    assert properties["id"]["minLength"] == 1 and properties["source"]["minLength"] == 1
    assert properties["source"]["format"] == "uri-reference"
    assert properties["time"]["format"] == "date-time"
    assert properties["dataschema"]["format"] == "uri"
    assert properties["dataschema"]["type"] == ["string", "null"]
    assert ours["additionalProperties"] is False  # extensions only by patternProperties
    (extension,) = ours["patternProperties"].values()
    assert set(extension["type"]) <= {"null", "boolean", "integer", "string"}
