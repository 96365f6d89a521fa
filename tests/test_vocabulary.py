"""The kit's typed vocabularies (core/vocabulary.py) are the words the report schema allows and
every table keyed on one covers all of its words; the typed settings and the role-module protocol
match the options table and the registry."""

from __future__ import annotations

import pytest

from kaizen_conformance import contract
from kaizen_conformance.core import vocabulary
from kaizen_conformance.core.options import OPTIONS, ROLES
from kaizen_conformance.reports.compare_markdown import CELL, ROLE_VERDICT
from kaizen_conformance.reports.files import BADGE_COLOUR
from kaizen_conformance.reports.summary import COUNT_LABEL, HEADLINE, LABEL, SHOWN_ORDER


def _enum(*path: str) -> list[object]:
    node = contract.schema("report")
    for key in path:
        node = node[key]
    enum: list[object] = node["enum"]
    return enum


def test_the_report_schema_allows_exactly_the_vocabularies() -> None:
    checks = ("properties", "checks", "items", "properties")
    rules = ("properties", "roles", "additionalProperties", "properties", "rules", "items")
    role = ("properties", "roles", "additionalProperties", "properties")
    assert set(_enum(*checks, "outcome")) == {*vocabulary.OUTCOME_ORDER, "not-run"}
    assert set(_enum(*checks, "level")) == set(vocabulary.LEVELS)
    assert set(_enum(*rules, "properties", "verdict")) == set(vocabulary.VERDICTS)
    assert set(_enum(*role, "verdict")) == set(vocabulary.ROLE_VERDICTS)


def test_the_compare_schema_allows_every_word_a_report_can_carry() -> None:
    """compare.json holds any report's verdicts (configuration-error too) for every role."""
    defs = contract.schema("compare")["$defs"]
    assert set(defs["role-verdict"]["enum"]) == set(vocabulary.ROLE_VERDICTS)
    assert set(defs["cell-verdict"]["enum"]) == set(CELL)
    assert set(defs["role"]["enum"]) == set(ROLES)


def test_every_table_covers_its_vocabulary() -> None:
    assert set(LABEL) == set(COUNT_LABEL) == set(SHOWN_ORDER) == set(vocabulary.VERDICTS)
    assert set(HEADLINE) == set(BADGE_COLOUR) == set(vocabulary.ROLE_VERDICTS)
    assert set(ROLE_VERDICT) == set(vocabulary.ROLE_VERDICTS)
    assert set(CELL) == {*vocabulary.VERDICTS, "not-in-contract", "not-in-profile"}
    assert vocabulary.FAILING.issubset(vocabulary.OUTCOME_ORDER)
    assert {option.kind for option in OPTIONS} <= set(vocabulary.OPTION_KINDS)


def test_words_read_back_from_text_are_checked() -> None:
    assert vocabulary.level("MUST") == "MUST"
    assert vocabulary.target_kind("app") == "app"
    with pytest.raises(ValueError, match=r"^'MAY' is not a rule level \(MUST or SHOULD\)$"):
        vocabulary.level("MAY")
    with pytest.raises(ValueError, match="'module' is not a target kind"):
        vocabulary.target_kind("module")


def test_settings_have_one_typed_attribute_per_option_of_the_table() -> None:
    from dataclasses import fields

    from kaizen_conformance.core.settings import OptionValues

    assert [f.name for f in fields(OptionValues)] == [option.attribute for option in OPTIONS]
    defaults = OptionValues.from_table({})
    assert defaults.timeout == "15"
    assert defaults.hub_double == "respx"
    assert defaults.reference is False
    assert defaults.hub_seed is None


def test_every_registered_role_module_meets_the_protocol() -> None:
    from kaizen_conformance.roles.registry import SUITES, RoleModule, suite

    for role in SUITES:
        assert isinstance(suite(role), RoleModule)
