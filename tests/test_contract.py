"""The contract data itself: catalogue, schemas, the generated doc, and coverage by cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from kaizen_conformance import contract
from kaizen_conformance.cases.corpus import manifest_corpus
from kaizen_conformance.cases.locations import fixtures_dir
from kaizen_conformance.roles.registry import contract_document

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path", [p for p, _ in contract.catalogue_files()], ids=lambda p: p.name)
def test_every_catalogue_file_matches_the_catalogue_schema(path: Path) -> None:
    data = dict(contract.catalogue_files())[path]
    contract.validator("catalogue").validate(data)


def test_catalogue_ids_are_unique_and_match_their_section_file() -> None:
    seen: dict[str, str] = {}
    for path, data in contract.catalogue_files():
        ids = [rule["id"] for rule in data["rules"]]
        assert ids, f"{path.name} defines no rules"
        for rule_id in ids:
            # each rule is defined in the file named for its prefix: RES-* in RES.yml, no other
            assert rule_id.split("-", 1)[0] == path.stem, f"{rule_id} is defined in {path.name}"
            assert rule_id not in seen, f"{rule_id} is defined in {seen[rule_id]} and {path.name}"
            seen[rule_id] = path.name
    assert set(seen) == set(contract.catalogue())
    assert all(rule.level in ("MUST", "SHOULD") for rule in contract.catalogue().values())


@pytest.mark.parametrize("name", contract.schema_names())
def test_every_shipped_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    Draft202012Validator.check_schema(contract.schema(name))


def test_docs_contract_md_is_generated_from_the_catalogue() -> None:
    committed = (ROOT / "docs" / "CONTRACT.md").read_text(encoding="utf-8")
    assert committed == contract_document(), (
        "docs/CONTRACT.md is stale: run `kaizen-conformance rules --markdown > docs/CONTRACT.md`"
    )


def test_every_corpus_file_is_listed_in_the_corpus() -> None:
    manifests = fixtures_dir() / "manifests"
    listed = {entry.file for entry in manifest_corpus() if entry.file}
    on_disk = {
        p.relative_to(manifests).as_posix()
        for p in manifests.rglob("*.yml")
        if p.name != "corpus.yml"
    }
    assert on_disk - listed == set(), "manifest files no corpus entry uses"


@pytest.mark.parametrize("profile", contract.PROFILES)
def test_every_rule_of_every_checked_role_has_a_case(
    pytester: pytest.Pytester, profile: str
) -> None:
    items, _ = pytester.inline_genitems(
        "--pyargs",
        "kaizen_conformance",
        "--kaizen-reference",
        f"--kaizen-resolver-profile={profile}",
        f"--kaizen-hub-profile={profile}",
        "-p",
        "no:cacheprovider",
    )
    covered: dict[str, set[str]] = {}
    for item in items:
        marker = item.get_closest_marker("kaizen")
        if marker is not None:
            covered.setdefault(marker.kwargs["role"], set()).update(marker.kwargs["rules"])
    assert "resolver" in covered
    for role, rules in covered.items():
        expected = {rule.id for rule in contract.rules_for(role, profile)}
        assert expected - rules == set(), f"{role} rules without a case under profile {profile}"


# --------------------------------------------------------------------------- the specification


def test_the_document_places_every_rule_and_every_example() -> None:
    from kaizen_conformance.contract.document import EXAMPLES_DIR

    text = contract_document()
    for rule in contract.catalogue().values():
        assert f'<a id="{rule.id.lower()}"></a>{rule.id}' in text, rule.id
    for example in EXAMPLES_DIR.iterdir():
        assert example.read_text(encoding="utf-8").rstrip() in text, example.name
    assert "{{" not in text.replace("`{{`", "")


def test_the_manifest_example_is_valid_to_the_kits_judge() -> None:
    from kaizen_conformance.contract import manifest_judge
    from kaizen_conformance.contract.document import EXAMPLES_DIR

    data = (EXAMPLES_DIR / "manifest.yml").read_bytes()
    assert manifest_judge.check_bytes(data, portable=True).valid


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_the_hub_examples_are_valid_records(profile: str) -> None:
    import json

    from kaizen_conformance.contract.document import EXAMPLES_DIR

    records = json.loads(
        (EXAMPLES_DIR / f"hub-response-{profile}.json").read_text(encoding="utf-8")
    )
    schema = contract.schema("hub-record")
    validator = Draft202012Validator(schema)
    v2_fields = set(schema["$defs"]["hub-record-v2"]["required"])
    for record in records:
        assert not list(validator.iter_errors(record)), record
        assert (v2_fields <= set(record)) == (profile == "v2"), record


def test_the_prepared_event_example_is_valid() -> None:
    import json

    from kaizen_conformance.contract.document import EXAMPLES_DIR

    event = json.loads((EXAMPLES_DIR / "prepared-event.json").read_text(encoding="utf-8"))
    assert not list(contract.validator("prepared-event").iter_errors(event))


def test_the_resolver_output_example_is_what_the_reference_gives() -> None:
    import json

    from kaizen_conformance.contract.document import EXAMPLES_DIR

    output = json.loads((EXAMPLES_DIR / "resolver-output.json").read_text(encoding="utf-8"))
    assert output == sorted(output, key=lambda r: r["slug"])
    assert all(set(r) == {"slug", "local_path"} for r in output)
