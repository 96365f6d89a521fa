"""Resolver examples beyond the golden cases, drawn by Hypothesis, judged by the decision table.

An example is drawn as the data of a resolver ``case.yml`` (roster, checkouts as ``files:``,
domain, what the hub ignores), so an example that fails is written out as exactly the case the
golden suite loads. Its expected outcome comes from ``contract/decision-table.yml`` applied to
the materialised records (``cases/facts.py``), never from the reference resolver.

This module imports Hypothesis at its top: only ``--kaizen-explore`` imports it.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from kaizen_conformance import contract
from kaizen_conformance.cases.corpus import ManifestEntry, manifest_corpus
from kaizen_conformance.cases.explore import mostly
from kaizen_conformance.cases.explore_manifests import manifests
from kaizen_conformance.cases.facts import decide
from kaizen_conformance.cases.hub import FLAG
from kaizen_conformance.cases.loading import PLACEHOLDER
from kaizen_conformance.contract.decisions import Row

HOSTNAME = "runner-01"
# Every list below is ordered simplest first: Hypothesis shrinks a choice toward its first entry,
# so a shrunk example reads as the ordinary case with the one odd thing that matters.
RECORD_DOMAINS = ("custodian", "labs", "custodian-labs", "Custodian", "cust")
# The domain asked for: none, or one that other record domains start with (a prefix is not a match).
ASKED_DOMAINS = (None, "custodian", "cust")
NAMES = ("alpha", "café", "beta", "ünïcode", "a..b")
# How a slug is spelt: case variants, padding, the other Unicode normal form of its name.
SPELLINGS = ("as-is", "upper", "nfd", "pad-right", "title", "pad-left")
# Checkouts every example has under {repos}; each gets a manifest drawn from the corpus or the
# grammar (cases/explore_manifests.py), or none.
CHECKOUTS = ("alpha", "beta", "a..b", "café")
NOT_A_DIRECTORY = "not-a-dir"
# This runner's host path, as a template on a checkout name: usable, or one way unusable.
HOST_PATH_FORMS = (
    "{repos}/%s",
    "{repos}/%s/",
    "{repos}/./%s",
    "{repos}//%s",
    "{repos}/%s/../%s",
    "{repos_rel}/%s",
    "{repos}/missing-%s",
    "{repos}/" + NOT_A_DIRECTORY,
)
OTHER_HOSTS = ("runner-02", "Runner-01", "runner-01.", "runner-01.example")
FLAGS: tuple[Any, ...] = (True, "absent", False, "true", "false", None, 1)
MALFORMED: tuple[Any, ...] = (
    "custodian/alpha",
    {"domain": "custodian", "host_paths": {HOSTNAME: "{repos}/alpha"}},
    {"slug": "", "domain": "custodian", "host_paths": {HOSTNAME: "{repos}/alpha"}},
    {"slug": "custodian/listy", "domain": "custodian", "host_paths": ["{repos}/alpha"]},
    {"slug": 7, "domain": "custodian", "host_paths": {HOSTNAME: "{repos}/alpha"}},
)
UPDATED_AT = "2026-06-17T06:19:51Z"
# The path the hub's base URL carries (section 3: "which may carry a path"); the golden cases'
# in-process double has none, the loopback server's has its mount's.
BASE_PATHS = ("", "/state-hub", "/api/hub")
# How the hub fails, now and then (RES-011: the resolver must fail loudly). A stall is left to the
# golden cases: each would cost a whole per-call limit.
FAULTS: tuple[dict[str, Any], ...] = (
    {"kind": "status", "status": 500},
    {"kind": "status", "status": 503, "body": '{"detail": "maintenance"}'},
    {"kind": "status", "status": 404},
    {"kind": "not-json"},
    {"kind": "not-array"},
    {"kind": "not-array", "body": "null"},
    {"kind": "not-array", "body": '{"repos": []}'},
    {"kind": "cut-off", "after_records": 0},
    {"kind": "cut-off", "after_records": 1},
    {"kind": "refuse"},
    {"kind": "disconnect"},
    {"kind": "redirect-loop", "status": 307},
)
# Rosters: mostly a handful of records (quick to run, and to read once shrunk), at times more.
ROSTER_SIZES = (6, 12)


# Manifests bigger than this (ten thousand nested brackets) are slow on purpose, as hostile ones
# are: the golden cases hold a resolver to them, one per case, and examples stay quick to run and
# to read.
MANIFEST_BYTES = 2048


def usable_manifest(entry: ManifestEntry) -> bool:
    """Corpus manifests an example may place: one small plain file of UTF-8 text, a definite
    verdict (parser-dependent ones have none to hold a resolver to), nothing hostile."""
    if entry.file is None or entry.template or entry.files or entry.hostile:
        return False
    if entry.parser_dependent or len(entry.content()) > MANIFEST_BYTES:
        return False
    try:
        text = entry.content().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return PLACEHOLDER.search(text) is None


def manifest_choices() -> tuple[tuple[tuple[str, str | None], ...], ...]:
    """(corpus id, manifest text) to draw from: the valid ones (``minimal`` first), and the
    invalid ones with no manifest at all."""
    entries = [e for e in manifest_corpus() if usable_manifest(e)]
    entries.sort(key=lambda e: (e.id != "minimal", e.id))
    valid = tuple((e.id, e.content().decode("utf-8")) for e in entries if e.valid)
    other: tuple[tuple[str, str | None], ...] = (
        ("none", None),
        *((e.id, e.content().decode("utf-8")) for e in entries if not e.valid),
    )
    return valid, other


def spell(domain: str, name: str, spelling: str) -> str:
    """The slug ``domain/name`` spelt one way; padding pads the whole slug."""
    if spelling == "upper":
        name = name.upper()
    elif spelling == "title":
        name = name.title()
    elif spelling == "nfd":
        name = unicodedata.normalize("NFD", name)
    slug = f"{domain}/{name}"
    if spelling == "pad-left":
        return " " + slug
    if spelling == "pad-right":
        return slug + " "
    return slug


@st.composite
def host_paths(draw: st.DrawFn) -> Any:
    paths: dict[str, Any] = {}
    if draw(st.integers(0, 9)) < 9:
        if draw(st.integers(0, 19)) < 19:
            form = draw(mostly(HOST_PATH_FORMS[:4], HOST_PATH_FORMS[4:], 3))
            checkout = draw(st.sampled_from(CHECKOUTS))
            paths[HOSTNAME] = form.replace("%s", checkout)
        else:
            paths[HOSTNAME] = draw(st.sampled_from((7, None)))
    for host in draw(st.lists(st.sampled_from(OTHER_HOSTS), max_size=2, unique=True)):
        paths[host] = "{repos}/" + draw(st.sampled_from(CHECKOUTS))
    return paths


@st.composite
def records(draw: st.DrawFn, asked: str | None) -> Any:
    """One record; mostly of the domain asked for (else none would be included)."""
    if draw(st.integers(0, 9)) == 9:
        return draw(st.sampled_from(MALFORMED))
    usual = (asked or RECORD_DOMAINS[0],)
    others = tuple(d for d in RECORD_DOMAINS if d not in usual)
    # other domains that start with the one asked for are the ones a careless match lets in
    near = tuple(d for d in others if d.startswith(usual[0])) or others
    domain = draw(mostly(usual, others if draw(st.booleans()) else near, 1))
    name = draw(st.sampled_from(NAMES))
    odd: tuple[str, ...] = SPELLINGS[1:]
    if not name.isascii():  # the spelling that matters for a non-ASCII name: its other form
        odd = ("nfd",) * len(odd) + odd
    slug = spell(domain, name, draw(mostly(SPELLINGS[:1], odd, 1)))
    record: dict[str, Any] = {
        "slug": slug,
        "domain": domain,
        "host_paths": draw(host_paths()),
    }
    flag = draw(mostly(FLAGS[:2], FLAGS[2:], 3))
    if flag != "absent":
        record[FLAG] = flag
        record["kaizen_schedule_updated_at"] = UPDATED_AT if isinstance(flag, bool) else None
    return record


def plain_record(asked: str | None) -> dict[str, Any]:
    """The ordinary record: of the domain asked for, flag true, this host's usable path."""
    domain = asked or RECORD_DOMAINS[0]
    return {
        "slug": f"{domain}/alpha",
        "domain": domain,
        "host_paths": {HOSTNAME: "{repos}/alpha"},
        FLAG: True,
        "kaizen_schedule_updated_at": UPDATED_AT,
    }


# The one thing a near twin has odd (near_twin).
TWIN_FEATURES = ("domain", "spelling", "host", "path", "flag")


@st.composite
def near_twin(draw: st.DrawFn, asked: str | None) -> dict[str, Any]:
    """A record the table includes but for exactly one odd thing: of a domain that starts with
    the one asked for, its slug respelt, keyed by a near spelling of this host, an unusable host
    path, or a flag that is not ``true``.

    Records drawn feature by feature are often odd in several ways at once, and an oddity is
    only seen when nothing else excludes the record: a near twin isolates one.
    """
    domain = asked or RECORD_DOMAINS[0]
    name = draw(st.sampled_from(NAMES))
    checkout = draw(st.sampled_from(CHECKOUTS))
    record: dict[str, Any] = {
        "slug": f"{domain}/{name}",
        "domain": domain,
        "host_paths": {HOSTNAME: "{repos}/" + checkout},
        FLAG: True,
        "kaizen_schedule_updated_at": UPDATED_AT,
    }
    feature = draw(st.sampled_from(TWIN_FEATURES))
    if feature == "domain":
        near = [d for d in RECORD_DOMAINS if d != domain and d.lower().startswith(domain.lower())]
        record["domain"] = draw(st.sampled_from(near or [d for d in RECORD_DOMAINS if d != domain]))
        record["slug"] = f"{record['domain']}/{name}"
    elif feature == "spelling":
        record["slug"] = spell(domain, name, draw(st.sampled_from(SPELLINGS[1:])))
    elif feature == "host":
        record["host_paths"] = {draw(st.sampled_from(OTHER_HOSTS)): record["host_paths"][HOSTNAME]}
    elif feature == "path":
        record["host_paths"][HOSTNAME] = draw(st.sampled_from(HOST_PATH_FORMS[4:])).replace(
            "%s", checkout
        )
    else:
        record[FLAG] = draw(st.sampled_from(FLAGS[2:]))
        record["kaizen_schedule_updated_at"] = None
    return record


@st.composite
def examples(draw: st.DrawFn) -> dict[str, Any]:
    """The data of a resolver case.yml, without its rules, description and expectation."""
    valid, other = manifest_choices()
    files: list[dict[str, Any]] = [{"path": f"repos/{NOT_A_DIRECTORY}", "text": "not a checkout\n"}]
    for checkout in CHECKOUTS:
        _, text = draw(mostly(valid, other, 3))
        if text is not None and draw(st.integers(0, 3)) == 3:
            # one in four from the grammar: manifests the corpus does not hold, valid or not
            text = draw(manifests()).text
        if text is None:
            files.append({"path": f"repos/{checkout}", "mkdir": True})
        else:
            files.append({"path": f"repos/{checkout}/.kaizen/schedule.yml", "text": text})
    domain = draw(st.sampled_from(ASKED_DOMAINS))
    # what the hub ignores, each half the time: a filter honoured hides what the resolver does with
    # the records it would have removed
    ignores = [name for name in ("domain", FLAG) if draw(st.booleans())]
    data: dict[str, Any] = {"hostname": HOSTNAME, "domain": domain}
    size = draw(mostly(ROSTER_SIZES[:1], ROSTER_SIZES[1:], 4))
    roster = draw(st.lists(records(domain), min_size=1, max_size=size))
    if draw(st.booleans()):
        roster.append(draw(near_twin(domain)))
    if any(isinstance(r, dict) and FLAG not in r for r in roster):
        # a record without the flag field comes from a v1 hub, which ignores the flag's filter
        ignores = [*ignores, FLAG] if FLAG not in ignores else ignores
    hub: dict[str, Any] = {"records": roster}
    if ignores:
        hub["ignores"] = sorted(ignores)
    base_path = draw(mostly(BASE_PATHS[:1], BASE_PATHS[1:], 2))
    if base_path:
        hub["base_path"] = base_path
    if draw(st.integers(0, 9)) == 9:
        hub["fault"] = dict(draw(st.sampled_from(FAULTS)))
    data["hub"] = hub
    data["files"] = files
    return data


@dataclass
class Expectation:
    """What the decision table says of a materialised roster, under one profile."""

    profile: str
    rows: list[tuple[Any, Row]]  # each record, with the row that decides it
    included: set[str] = field(default_factory=set)
    either: set[str] = field(default_factory=set)
    error: bool = False  # the hub fails: the resolver must fail loudly (RES-011)

    def outcome(self) -> dict[str, Any]:
        """As a case's ``expect`` holds it (and as the resolver role's checks read it)."""
        if self.error:
            return {"error": True}
        outcome: dict[str, Any] = {"included": sorted(self.included)}
        if self.either:
            outcome["either"] = sorted(self.either)
        return outcome

    def rows_of(self, slug: str) -> list[Row]:
        return [
            row
            for record, row in self.rows
            if isinstance(record, dict) and record.get("slug") == slug
        ]


def expectation(
    records: list[Any], *, hostname: str, domain: str | None, profile: str, error: bool = False
) -> Expectation:
    """The table's outcome for every record (``cases.facts.decide``, the question a golden
    failure's attribution asks too); a slug listed twice is included if any record is."""
    decided = Expectation(profile, [], error=error)
    for record in records:
        row = decide(record, hostname=hostname, domain=domain, profile=profile).row
        decided.rows.append((record, row))
        if row.outcome == "included":
            decided.included.add(record["slug"])
        elif row.outcome == "either":
            decided.either.add(record["slug"])
    decided.either -= decided.included
    return decided


def case_data(
    data: Mapping[str, Any], rule: str, description: str, expected: Mapping[str, Expectation]
) -> dict[str, Any]:
    """A ready case.yml: the example, the rule it breaks, and the table's outcome per profile
    the rule applies to (a profile whose outcome the case format cannot state is left out)."""
    profiles = [
        p
        for p in contract.catalogue()[rule].profiles
        if p in expected and (not expected[p].either or failing_hub(data))
    ]
    return {
        "description": description,
        "rules": [rule],
        "profiles": profiles,
        **{k: v for k, v in data.items() if k != "domain" or v is not None},
        "expect": {p: expected[p].outcome() for p in profiles},
    }


def failing_hub(data: Mapping[str, Any]) -> bool:
    """The example's hub fails (``hub.fault``): the resolver must fail loudly, whatever the
    roster (RES-011)."""
    return bool(data["hub"].get("fault"))
