"""Cross-role parity: everything that decides opt-in agrees, manifest for manifest.

If ``schedule validate`` says "valid" where the resolver says "excluded", a repo silently never
gets scheduled. No single role's suite can see that disagreement; these tests hold the kit's
own pieces to each other on every manifest of the corpus:

- the reference validator and the reference resolver (end to end, against a mocked hub);
- the kit's own checker (``manifest_check``, used for INI-001) and the corpus labels;
- ``manifest_check`` and the reference reader on thousands of mutated manifests;
- the reference init's scaffold and every reader.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import respx

from kaizen_conformance.cases.corpus import ManifestEntry, manifest_corpus
from kaizen_conformance.cases.workspace import new_workspace
from kaizen_conformance.contract import manifest_judge
from kaizen_conformance.reference import manifest_tools, resolver, schedule

HUB = "http://hub.agreement.invalid"
CORPUS = manifest_corpus()


def place(entry: ManifestEntry, root: Path) -> Path:
    workspace = new_workspace(root, None)
    checkout = workspace.repos / "subject"
    entry.place(workspace, checkout)
    return checkout


def validator_accepts(checkout: Path) -> bool:
    try:
        manifest_tools.validate(str(checkout))
    except manifest_tools.ScheduleInvalid:
        return False
    return True


def lister_lists(checkout: Path) -> bool:
    try:
        manifest_tools.list_agents(str(checkout))
    except manifest_tools.ScheduleInvalid:
        return False
    return True


def resolver_includes(checkout: Path, profile: str) -> bool:
    record = {
        "slug": "fleet/subject",
        "domain": "fleet",
        "host_paths": {"runner-01": str(checkout)},
        "kaizen_schedule_enabled": True,
        "kaizen_schedule_updated_at": "2026-06-17T06:19:51Z",
    }
    with respx.mock(assert_all_called=True) as hub:
        hub.get(url__startswith=HUB).respond(json=[record])
        included = resolver.resolve(HUB, "runner-01", profile=profile)
    return [repo["slug"] for repo in included] == ["fleet/subject"]


@pytest.mark.parametrize("entry", CORPUS, ids=lambda entry: entry.id)
def test_reference_validator_and_resolver_agree_with_the_corpus(
    entry: ManifestEntry, tmp_path: Path
) -> None:
    checkout = place(entry, tmp_path / "workspace")
    verdicts = {
        "corpus label": entry.valid,  # False for a parser-dependent one: the reference rejects it
        "reference validate": validator_accepts(checkout),
        "reference resolver v1": resolver_includes(checkout, "v1"),
        "reference resolver v2": resolver_includes(checkout, "v2"),
    }
    assert len(set(verdicts.values())) == 1, f"{entry.id}: {verdicts}"
    assert not (tmp_path / "workspace" / "marker-code-was-executed").exists()


@pytest.mark.parametrize(
    "entry", [e for e in CORPUS if e.parser_dependent], ids=lambda entry: entry.id
)
def test_the_reference_validator_says_a_parser_dependent_manifest_depends_on_the_parser(
    entry: ManifestEntry, tmp_path: Path
) -> None:
    checkout = place(entry, tmp_path / "workspace")
    with pytest.raises(manifest_tools.ScheduleInvalid, match="depends on the YAML parser"):
        manifest_tools.validate(str(checkout))


@pytest.mark.parametrize("entry", CORPUS, ids=lambda entry: entry.id)
def test_the_kits_own_checker_agrees_with_the_corpus_labels(
    entry: ManifestEntry, tmp_path: Path
) -> None:
    checkout = place(entry, tmp_path / "workspace")
    if entry.parser_dependent:  # no single verdict; but never a portable manifest
        verdict = manifest_judge.check_checkout(checkout, portable=True)
        assert not verdict.valid, f"{entry.id} is parser-dependent, yet portable to the kit's judge"
        return
    verdict = manifest_judge.check_checkout(checkout)
    assert verdict.valid == entry.valid, (
        f"{entry.id} is labelled valid={entry.valid}; manifest_check: {verdict.reason}"
    )
    if entry.valid and entry.file:
        assert manifest_judge.check_checkout(checkout, portable=True).valid, entry.id
    assert not (tmp_path / "workspace" / "marker-code-was-executed").exists()


def reader_verdicts(root: str) -> dict[str, list[bool]]:
    """Each corpus entry's verdict from every reader, in this process's YAML installation."""
    verdicts = {}
    for entry in CORPUS:
        checkout = place(entry, Path(root) / entry.id)
        try:
            schedule.load_manifest(checkout)
            reference = True
        except schedule.ManifestInvalid:
            reference = False
        verdicts[entry.id] = [
            reference,
            validator_accepts(checkout),
            resolver_includes(checkout, "v2"),
            manifest_judge.check_checkout(checkout).valid,
            manifest_judge.check_checkout(checkout, portable=True).valid,
            lister_lists(checkout),
        ]
    return verdicts


# A process where PyYAML's libyaml binding cannot be imported: PyYAML falls back to its
# pure-Python parser, as on a machine without libyaml.
WITHOUT_LIBYAML = """
import importlib.abc, sys
class NoLibyaml(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "yaml._yaml" or name == "_yaml":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, NoLibyaml())
"""


def test_every_reader_gives_the_same_verdicts_with_and_without_libyaml(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(WITHOUT_LIBYAML, encoding="utf-8")
    script = (
        "import json, sys, yaml\n"
        "assert not yaml.__with_libyaml__ and not hasattr(yaml, 'CSafeLoader')\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import test_agreement\n"
        f"print(json.dumps(test_agreement.reader_verdicts({str(tmp_path / 'pure')!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    pure = json.loads(done.stdout)
    fast = reader_verdicts(str(tmp_path / "fast"))
    differ = {
        entry.id: {"libyaml": fast[entry.id], "pure": pure[entry.id]}
        for entry in CORPUS
        if not entry.parser_dependent and fast[entry.id] != pure[entry.id]
    }
    assert not differ, (
        f"verdicts [reference, validate, resolver, judge, portable judge, list]: {differ}"
    )
    for entry in CORPUS:  # and every reader agrees with itself and the label, either way
        for verdicts in (fast[entry.id], pure[entry.id]):
            if entry.parser_dependent:
                assert verdicts[:3] == [False] * 3 and not verdicts[4], (entry.id, verdicts)
            else:
                assert set(verdicts[:4]) == {entry.valid}, (entry.id, verdicts)
            assert verdicts[5] == verdicts[0], (entry.id, verdicts)  # list reads as the reference


def test_an_unreadable_manifest_is_invalid_and_the_roster_survives(tmp_path: Path) -> None:
    """A reader error (a NUL byte, say) excludes that repo; the others still resolve."""
    good, bad = tmp_path / "good", tmp_path / "bad"
    for checkout, text in (
        (good, b"version: 1\nagents: [{name: a, cadence: daily}]\n"),
        (bad, b"version: 1 # \x00\nagents: [{name: a, cadence: daily}]\n"),
    ):
        (checkout / ".kaizen").mkdir(parents=True)
        (checkout / ".kaizen" / "schedule.yml").write_bytes(text)
    records = [
        {"slug": f"fleet/{c.name}", "domain": "fleet", "host_paths": {"runner-01": str(c)}}
        for c in (good, bad)
    ]
    with respx.mock(assert_all_called=True) as hub:
        hub.get(url__startswith=HUB).respond(json=records)
        included = resolver.resolve(HUB, "runner-01", profile="v1")
    assert [repo["slug"] for repo in included] == ["fleet/good"]


def mutations(count: int, seed: int = 20260617) -> list[bytes]:
    """Corpus manifests with a few bytes deleted, inserted or spliced: the edges of YAML."""
    rng = random.Random(seed)
    sources = [entry.content() for entry in CORPUS if entry.file and entry.valid]
    alphabet = b" \n\r\t:-[]{}&*!#'\"?|>,%@`<=+~.0123456789abcyesnotrueTrueNULL\x00\x85\xef\xbb\xbf\xc3\xa9"
    produced = []
    for _ in range(count):
        data = bytearray(rng.choice(sources))
        for _ in range(rng.randint(1, 4)):
            at, roll = rng.randrange(len(data) + 1), rng.random()
            if roll < 0.4:
                del data[at : at + rng.randint(1, 3)]
            elif roll < 0.8:
                data[at:at] = bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
            else:
                donor = rng.choice(sources)
                start = rng.randrange(len(donor))
                data[at:at] = donor[start : start + rng.randint(1, 20)]
        produced.append(bytes(data))
    return produced


def test_the_kits_checker_and_the_reference_reader_agree_beyond_the_corpus() -> None:
    """They agree, but where the reference calls a manifest parser-dependent: the kit's judge
    must then find it not portable (the contract gives such a manifest no single verdict)."""
    disagreements, accepted = [], 0
    for data in mutations(3000):
        kit = manifest_judge.check_bytes(data)
        try:
            schedule.parse_manifest(data)
            reference = True
        except schedule.ManifestParserDependent:
            if not manifest_judge.check_bytes(data, portable=True).valid:
                continue
            reference = False
        except schedule.ManifestInvalid:
            reference = False
        accepted += reference
        if kit.valid != reference:
            disagreements.append(
                f"{data[:120]!r}: kit {kit.valid} ({kit.reason}), reference {reference}"
            )
    assert not disagreements, "\n".join(disagreements[:10])
    assert accepted > 50  # the mutations reach both sides of the line


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("version: !!int '1'\nagents: [{name: a, cadence: daily}]\n", True),
        ("version: !!str 1\nagents: [{name: a, cadence: daily}]\n", False),
        ("version: 1\nagents: !!set {a}\n", False),
        ("version: 1\nagents: [{name: a, cadence: daily, description: !!binary aGk=}]\n", False),
        ("version: 1\nagents: [{name: a, cadence: daily, description: 2026-01-01}]\n", False),
        pytest.param(
            "version: 1\nagents: [{name: a, cadence: daily, enabled: !!bool maybe}]\n",
            False,
            id="explicit-tag-that-does-not-fit",
        ),
        ("base: &b {cadence: daily}\nversion: 1\nagents: [{<<: *b, name: a}]\n", False),
        ("!!omap [version: 1]\n", False),
        ("version: 1\nagents: [{name: a, cadence: daily}]\n? [x]\n: y\n", False),
    ],
)
def test_both_readers_on_tags_merges_and_odd_keys(text: str, valid: bool) -> None:
    data = text.encode("utf-8")
    try:
        schedule.parse_manifest(data)
        reference = True
    except schedule.ManifestInvalid:
        reference = False
    assert (manifest_judge.check_bytes(data).valid, reference) == (valid, valid)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("    enabled: yes\n", "'yes' reads differently under YAML 1.1 and 1.2"),
        ("    enabled: On\n", "'On' reads differently"),
        ("    description: 1e3\n", "'1e3' reads differently"),
        ("    description: 0o17\n", "'0o17' reads differently"),
        ("    description: 1E3\n", "'1E3' reads differently"),
        ("    description: n\n", "'n' reads differently"),
        ("  - name\t: mentor\n    cadence: daily\n", "YAML parsers disagree"),
    ],
)
def test_a_portable_manifest_reads_the_same_everywhere(text: str, why: str) -> None:
    data = ("version: 1\nagents:\n  - name: coach\n    cadence: weekly\n" + text).encode("utf-8")
    verdict = manifest_judge.check_bytes(data, portable=True)
    assert not verdict.valid and why in verdict.reason


def test_the_reference_scaffold_is_valid_to_every_reader(tmp_path: Path) -> None:
    manifest_tools.init(str(tmp_path))
    assert manifest_judge.check_checkout(tmp_path, portable=True).valid
    manifest_tools.validate(str(tmp_path))
    assert schedule.load_manifest(tmp_path)["agents"][0]["name"] == "coach"
    with pytest.raises(manifest_tools.InitRefused):
        manifest_tools.init(str(tmp_path))


def test_an_alias_bomb_is_refused_in_the_readers_own_words() -> None:
    data = (
        Path(__file__).parents[1] / "fixtures/manifests/hostile/billion-laughs.yml"
    ).read_bytes()
    with pytest.raises(schedule.ManifestInvalid) as refused:
        schedule.parse_manifest(data)
    assert str(refused.value).startswith(
        "aliases expand to more than"
    )  # not wrapped as a tag error


def test_a_5001_digit_version_is_judged_without_a_crash() -> None:
    data = ("version: " + "0" * 5000 + "1\nagents: [{name: a, cadence: daily}]\n").encode()
    assert manifest_judge.check_bytes(data, portable=True).valid
    data = "version: 1\nagents: [{name: a, cadence: daily, description: " + "7" * 5001 + "}]\n"
    assert not manifest_judge.check_bytes(data.encode(), portable=True).valid
