"""Hub conformance: state-hub's ``GET /repos/`` against the golden rosters of ``fixtures/hub/``.

Seeded (``--kaizen-hub-seed``): for each case the seed function replaces the hub's data with
the case's records, then the kit reads every view once — the unfiltered list three times
(first, at once again, and after everything else), each query of the case, an unknown domain
and every unparseable flag value of ``fixtures/hub/probes.yml`` — and one item per rule
(``HUB-012[mixed-fleet]``) judges those answers against the case's exact expected slugs.

Unseeded (a hub whose data the kit cannot set): one case, ``unseeded``, whose queries are
derived from what the unfiltered list holds; every rule that holds between the unfiltered
and the filtered views is checked, and HUB-003 is skipped with the reason (never a pass).

Seeding and reading happen in the item's setup (``suite/test_hub.py``), so a seed function
that fails, or a hub that cannot be reached at all, is a setup error of the run that names
the option to fix — not a failed HUB rule.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache, cached_property, partial
from typing import Any

import pytest

from kaizen_conformance.adapters.hub import (
    HubAnswer,
    HubDriver,
    HubUnavailable,
    open_driver,
    seed_hub,
    seed_option,
    seed_spec,
)
from kaizen_conformance.adapters.hub_seeding import SeedFailure
from kaizen_conformance.cases.hub import (
    FLAG,
    ROLE,
    STAMP,
    UNSEEDED,
    HubCase,
    HubQuery,
    Params,
    Probes,
    hub_cases,
    probes,
    rule_of,
    select,
)
from kaizen_conformance.cases.hub_edges import edges_text, named_in, seeded_edges
from kaizen_conformance.contract.rfc3339 import rfc3339_instant, rfc3339_problem
from kaizen_conformance.core.checks import (
    Check,
    CheckContext,
    ConfigurationError,
    FailureKind,
    Violation,
)
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.roles.hub_patterns import missing_hint, page_cut, what_they_are

MICROSECOND = Fraction(1, 1_000_000)
MAX_PROBLEMS = 12  # a violation lists this many problems, then counts the rest


# --------------------------------------------------------------------------- collection

ALWAYS = (
    "HUB-001",
    "HUB-002",
    "HUB-003",
    "HUB-004",
    "HUB-005",
    "HUB-006",
    "HUB-010",
    "HUB-011",
    "HUB-015",
)


def seeded(settings: Settings) -> bool:
    return seed_spec(settings) is not None


def collect(settings: Settings) -> list[Check]:
    from kaizen_conformance import contract

    profile = settings.profile(ROLE)
    applicable = [rule.id for rule in contract.rules_for(ROLE, profile)]
    checks = []
    probes()  # read now, seeded or not: a missing or broken probes.yml is a collection error
    if settings.target(ROLE) is not None and not seeded(settings):
        for rule in applicable:
            checks.append(
                Check(
                    ROLE,
                    (rule,),
                    UNSEEDED,
                    partial(run_rule, rule, None),
                    "the hub's own data, between its unfiltered and filtered views",
                )
            )
        return checks
    for case in hub_cases():
        if profile not in case.profiles:
            continue
        present = set(ALWAYS) | {q.rule for q in case.queries_for(profile)}
        for rule in applicable:
            if rule in present:
                checks.append(
                    Check(ROLE, (rule,), case.id, partial(run_rule, rule, case), case.description)
                )
    return checks


# --------------------------------------------------------------------------- observing


@dataclass
class Observation:
    """Every answer of one case, read right after seeding (or from the hub's own data)."""

    case: HubCase | None
    profile: str
    first: HubAnswer
    again: HubAnswer
    last: HubAnswer
    views: list[tuple[HubQuery, HubAnswer]] = field(default_factory=list)
    refusals: list[HubAnswer] = field(default_factory=list)
    # other spellings of a boolean: (spelling, its meaning, the answer)
    spellings: list[tuple[str, bool, HubAnswer]] = field(default_factory=list)
    seed_target: str = "app"  # what a seed function would receive: "app" or "url"

    @property
    def unfiltered(self) -> tuple[HubAnswer, HubAnswer, HubAnswer]:
        return self.first, self.again, self.last

    @cached_property
    def baseline(self) -> tuple[dict[str, Any] | None, str]:
        """The first unfiltered list by slug (first occurrence), or why there is none (built once)."""
        records, problem = self.first.listing()
        if records is None:
            return None, problem
        by_slug: dict[str, Any] = {}
        for record in records:
            if isinstance(record, dict) and isinstance(record.get("slug"), str):
                by_slug.setdefault(record["slug"], record)
        return by_slug, ""

    def listings(self) -> list[tuple[HubAnswer, list[Any]]]:
        """Every answer that is a usable list, unfiltered and filtered, each once."""
        found = []
        for answer in [*self.unfiltered, *(a for _, a in self.views)]:
            records, _ = answer.listing()
            if records is not None:
                found.append((answer, records))
        return found


def derived_queries(first: HubAnswer, profile: str, known: Probes) -> list[HubQuery]:
    """Unseeded: the views to ask, and what each must list, from the unfiltered list itself."""
    records, _ = first.listing()
    if records is None:
        return []
    domains = sorted(
        {r["domain"] for r in records if isinstance(r, dict) and isinstance(r.get("domain"), str)}
    )
    domains = domains[: known.max_domains]
    params_list: list[Params] = [(("domain", d),) for d in domains]
    if profile == "v2":
        params_list += [((FLAG, "true"),), ((FLAG, "false"),)]
        params_list += [
            ((FLAG, flag), ("domain", d))
            for d in domains[: known.max_combined_domains]
            for flag in ("true", "false")
        ]
    return [
        HubQuery(params, tuple(select(records, params)), rule_of(params)) for params in params_list
    ]


def flag_ignored_queries(case: HubCase | None, first: HubAnswer) -> list[HubQuery]:
    """HUB-006 (v1): with the flag parameter, true or false, the hub lists what it lists without
    it -- the seeded roster, or (unseeded) its own unfiltered list."""
    if case is not None:
        every = tuple(r["slug"] for r in case.records)
    else:
        records, _ = first.listing()
        if records is None:
            return []
        every = tuple(slug_of(r) for r in records)
    return [HubQuery(((FLAG, value),), every, "HUB-006") for value in ("true", "false")]


def unknown_domain(known: Probes, first: HubAnswer) -> str:
    records, _ = first.listing()
    taken = {r.get("domain") for r in records or [] if isinstance(r, dict)}
    name, suffix = known.unknown_domain, 1
    while name in taken:
        suffix += 1
        name = f"{known.unknown_domain}-{suffix}"
    return name


@dataclass(frozen=True)
class SeedRefused:
    """A seed that works for other cases failed on this one, whose every value the contract
    allows: the hub's failure on HUB-003 for this case (its other rules are not checked)."""

    case: HubCase
    message: str


def observe(
    driver: HubDriver, settings: Settings, case: HubCase | None, first_case: bool = False
) -> Observation | SeedRefused:
    """Seed the case and read every view of it. ``first_case``: the first case this run
    observes, where a hub answering every GET with one refusal is a configuration error."""
    profile = settings.profile(ROLE)
    known = probes()
    with driver.exclusive(seeded=case is not None):
        if case is not None:
            try:
                seed_hub(settings, driver, case.records, case.id)
            except SeedFailure as failure:
                return seed_refused(driver, settings, case, failure)
            # an empty roster asks nothing of the seed: it proves no seed works
            driver.seed_worked = driver.seed_worked or bool(case.records)
        driver.begin_case()
        first = driver.get(())
        mistake = setup_mistake(first, settings, case)
        if mistake:
            raise SeedFailure(mistake)
        again = driver.get(())
        queries = (
            case.queries_for(profile)
            if case is not None
            else derived_queries(first, profile, known)
        )
        queries = [*queries, HubQuery((("domain", unknown_domain(known, first)),), (), "HUB-004")]
        if profile == "v1":
            queries += flag_ignored_queries(case, first)
        views = [(query, driver.get(query.params)) for query in queries]
        refusals = (
            [driver.get(((FLAG, value),)) for value in known.unparseable_flag_values]
            if profile == "v2"
            else []
        )
        spellings = (
            [
                (value, meaning, driver.get(((FLAG, value),)))
                for value, meaning in known.boolean_spellings
            ]
            if profile == "v2"
            else []
        )
        last = driver.get(())
        answers = [
            first,
            again,
            last,
            *(a for _, a in views),
            *refusals,
            *(a for *_, a in spellings),
        ]
        refused = one_refusal(answers) if first_case else None
        if refused is not None and not refusal_follows_data(driver, settings, case, refused):
            raise SeedFailure(one_refusal_message(answers, refused, driver, case))
    return Observation(
        case,
        profile,
        first,
        again,
        last,
        views,
        refusals,
        spellings,
        "url" if driver.kind == "url" else "app",
    )


def one_refusal(answers: list[HubAnswer]) -> int | None:
    """The status every answer has, when every GET answered one and the same non-2xx status."""
    statuses = {answer.status for answer in answers}
    if len(statuses) != 1:
        return None
    (status,) = statuses
    return status if status is not None and not 200 <= status < 300 else None


def refusal_follows_data(
    driver: HubDriver, settings: Settings, case: HubCase | None, status: int
) -> bool:
    """Whether the hub answers otherwise once its data is plain: the one refusal was the data's.

    A case whose records a hub cannot serve (a leap second it answers 500 for) is the hub's
    failure on that case; only a refusal that stays on an empty roster says nothing is served
    at all. Unseeded, or already empty, there is nothing plainer to ask.
    """
    if case is None or not case.records:
        return False
    try:
        seed_hub(settings, driver, [], f"{case.id}, then an empty roster")
    except SeedFailure:
        return False
    return driver.get(()).status != status


TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def answer_says(answer: HubAnswer) -> str:
    """What a refusal says of itself: its HTML page's <title>, or its JSON ``detail``."""
    found = TITLE.search(answer.body[:65536])
    if found:
        title = " ".join(found.group(1).decode("utf-8", errors="replace").split())
        return f"page titled {title[:120]!r}"
    ok, value = answer.decoded
    if ok and isinstance(value, dict) and "detail" in value:
        return f"JSON detail {short(value['detail'], 160)}"
    return ""


def looks_like_disallowed_host(answer: HubAnswer, says: str) -> bool:
    """Django's answer to a Host header its ALLOWED_HOSTS refuses (DEBUG page or production page)."""
    body = answer.body[:65536]
    return answer.status == 400 and (
        b"DisallowedHost" in body or b"ALLOWED_HOSTS" in body or "Bad Request (400)" in says
    )


def one_refusal_message(
    answers: list[HubAnswer], status: int, driver: HubDriver, case: HubCase | None
) -> str:
    first = answers[0]
    says = answer_says(first)
    where = f"case {case.id}" if case is not None else "the hub's own data"
    lead = (
        f"every GET of {where} ({len(answers)} requests) answered {status}"
        f"{f' ({says})' if says else ''}; the first: {first.describe()}. No rule can be judged on "
        "answers that are all one refusal, whatever the query"
        + (" (an empty roster is refused alike)" if case is not None and case.records else "")
        + "."
    )
    if looks_like_disallowed_host(first, says):
        host = (
            "Host: testserver, as test clients do"
            if driver.kind != "url"
            else f"the URL's host ({driver.target})"
        )
        return (
            f"{lead}\nThis is Django refusing the request's Host (DisallowedHost): the kit's "
            f"requests carry {host}. Fix: ALLOWED_HOSTS must accept 'testserver' in the settings "
            "the run uses (for example ALLOWED_HOSTS += ['testserver'] in test settings), or serve "
            "the hub and give --kaizen-hub-url"
        )
    hints = {
        401: "the hub wants credentials the kit does not send: serve GET /repos/ without them in this run",
        403: "the hub forbids the kit's requests: serve GET /repos/ to any client in this run",
        404: "nothing is routed at /repos/: the contract's path is /repos/ (below --kaizen-hub-url's path)",
        405: "GET is not allowed on /repos/",
    }
    hint = hints.get(status) or (
        "the hub fails on every request: its log says why" if status >= 500 else ""
    )
    return f"{lead}\nFix: {hint}" if hint else lead


def setup_mistake(first: HubAnswer, settings: Settings, case: HubCase | None) -> str:
    """A first answer that says the run is set up wrong, not that the hub breaks a rule.

    A redirect from ``/repos/`` (the route declared without its trailing slash) would fail
    every rule with a body-less answer; a seeded case none of whose repos comes back (or an
    empty roster after which the hub still lists repos) means the seed wrote where the hub does
    not read, and every filter rule would then blame records the case never had. Either is one
    configuration error with its fix.
    """
    if first.status is not None and 300 <= first.status < 400:
        where = first.location or "no Location header"
        return (
            f"the hub answered {first.request} with {first.status}, redirecting to {where}: the kit "
            "follows no redirect and the contract's path is /repos/. Fix: serve GET /repos/ with the "
            "trailing slash (the route itself, not a redirect to /repos)"
        )
    if case is None:
        return ""
    seeded_slugs = [
        r["slug"] for r in case.records if isinstance(r, dict) and isinstance(r.get("slug"), str)
    ]
    records, _ = first.listing()
    if records is None or not (seeded_slugs or records):
        return ""
    listed = [slug_of(r) for r in records]
    if set(listed) & set(seeded_slugs):
        return ""
    shown = ", ".join(listed[:5]) + (f", ... ({len(listed)} in all)" if len(listed) > 5 else "")
    if seeded_slugs:
        what = (
            f"with {len(seeded_slugs)} repos ({', '.join(seeded_slugs[:3])}"
            f"{', ...' if len(seeded_slugs) > 3 else ''}), {first.request} lists none of them "
            f"(it lists {shown or 'nothing'})"
        )
    else:
        what = f"with no repos (an empty roster), {first.request} still lists {shown}"
    return (
        f"after {settings.named(seed_option(settings))} seeded case {case.id} {what}. Fix the seed function: "
        "it must make the records the whole data this hub serves — the same app object, database "
        "or URL the hub reads"
    )


@dataclass(frozen=True)
class SetupFailure:
    """A configuration error remembered for every item of the case (the seed runs once)."""

    message: str


def seed_refused(
    driver: HubDriver, settings: Settings, case: HubCase, failure: SeedFailure
) -> SeedRefused:
    """A seed that failed on ``case``: the hub's failure there when it works for another case.

    A seed that never answers, or fails on every case with records (tried in turn until one
    works; an empty roster proves nothing), is a configuration error (raised); one that fails only here failed on a value the contract
    allows, and the message names the value and the section that makes it valid.
    """
    if failure.timed_out:
        raise failure
    tried = 0
    if not driver.seed_worked:
        for other in hub_cases():
            if other.id == case.id or not other.records:
                continue
            tried += 1
            try:
                seed_hub(
                    settings, driver, other.records, f"{other.id} (does the seed work at all?)"
                )
            except SeedFailure as again:
                if again.timed_out:
                    break
                continue
            driver.seed_worked = True
            break
    if not driver.seed_worked:
        raise SeedFailure(
            f"{failure}\n(the seed failed on every case the kit tried: {case.id} and {tried} others, "
            "so it is the seed, not the hub, that does not work)"
        )
    edges = seeded_edges(case.records, settings.profile(ROLE))
    culprits = named_in(edges, failure.evidence)
    lines = [
        f"the hub could not be seeded with case {case.id}, though the seed works for other cases; "
        f"every value of the case is one the contract allows:\n{failure}"
    ]
    if culprits:
        lines.append("it failed on a value the contract allows:\n" + edges_text(culprits))
    elif edges:
        lines.append(f"what case {case.id} seeds that matters:\n" + edges_text(edges))
    return SeedRefused(case, "\n".join(lines))


def driver_of(context: CheckContext) -> HubDriver | SetupFailure:
    def start() -> HubDriver | SetupFailure:
        try:
            driver = open_driver(context.settings)
        except HubUnavailable as exc:
            target = context.settings.target(ROLE)
            return SetupFailure(
                f"the hub {target.describe() if target else ''} cannot be used: {exc}"
            )
        context.request.config.add_cleanup(driver.close)
        return driver

    found: HubDriver | SetupFailure = context.remember((ROLE, "driver"), start)
    return found


def observation_of(
    context: CheckContext, case: HubCase | None
) -> Observation | SetupFailure | SeedRefused:
    def compute() -> Observation | SetupFailure | SeedRefused:
        driver = driver_of(context)
        if isinstance(driver, SetupFailure):
            return driver
        first_case, driver.observed_any = not driver.observed_any, True
        try:
            return observe(driver, context.settings, case, first_case)
        except SeedFailure as exc:
            return SetupFailure(str(exc))

    key = (ROLE, case.id if case else UNSEEDED, context.settings.profile(ROLE))
    found: Observation | SetupFailure | SeedRefused = context.remember(key, compute)
    return found


def case_named(case_id: str) -> HubCase | None:
    if case_id == UNSEEDED:
        return None
    return next(c for c in hub_cases() if c.id == case_id)


def prepare(context: CheckContext, case_id: str) -> None:
    """Item setup: seed and read the case once; a configuration error stops the role (the
    session reports it once, with its fix: see session.hooks.guarded_setup)."""
    found = observation_of(context, case_named(case_id))
    if isinstance(found, SetupFailure):
        raise ConfigurationError(found.message)


# --------------------------------------------------------------------------- judging


def json_equal(a: Any, b: Any) -> bool:
    """Equality of JSON values: true is not 1, and key order does not matter."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def short(value: Any, width: int = 90) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 3] + "..."


def record_difference(got: Any, want: Any) -> str:
    """How two records differ, field by field, briefly."""
    if not isinstance(got, dict) or not isinstance(want, dict):
        return f"{short(got)} instead of {short(want)}"
    parts = []
    for key in sorted(set(got) | set(want)):
        if key not in got:
            parts.append(f"{key} missing")
        elif key not in want:
            parts.append(f"{key} added ({short(got[key], 40)})")
        elif not json_equal(got[key], want[key]):
            parts.append(f"{key} {short(got[key], 50)} instead of {short(want[key], 50)}")
    return "; ".join(parts) or "key order only"


def slug_of(record: Any) -> str:
    if isinstance(record, dict) and isinstance(record.get("slug"), str):
        return str(record["slug"])
    return f"<record without a string slug: {short(record, 60)}>"


def fail(problems: list[str], lead: str) -> None:
    """Raise one Violation listing the problems under a line that says what the rule wants."""
    if not problems:
        return
    shown = problems[:MAX_PROBLEMS]
    more = (
        f"\n  ... and {len(problems) - MAX_PROBLEMS} more" if len(problems) > MAX_PROBLEMS else ""
    )
    raise Violation(lead + "\n" + "\n".join(f"  - {p}" for p in shown) + more)


def validator_for(profile: str) -> Any:
    return _validators()[profile]


@cache
def _validators() -> dict[str, Any]:
    """The shipped record schema per profile, with the kit's own format checks (date-time as
    HUB-011 judges it) and ECMA-262 patterns, as every other schema check of the kit.

    v2 is the schema's own ``$defs/hub-record-v2`` (the record plus two required fields)
    written out flat: following its ``$ref`` for every record of every list doubles the cost.
    """
    from kaizen_conformance import contract
    from kaizen_conformance.contract.formats import (
        format_checker,
        validator_class,
        with_ecma_patterns,
    )

    record = with_ecma_patterns(contract.schema("hub-record"))
    v1 = {key: value for key, value in record.items() if key != "$defs"}
    extension = record["$defs"]["hub-record-v2"]
    if set(extension) != {"$ref", "required"} or extension["$ref"] != "#":
        raise ValueError(
            "hub-record.schema.json: $defs/hub-record-v2 must stay {'$ref': '#', 'required': [...]}"
        )
    v2 = {**v1, "required": [*v1["required"], *extension["required"]]}
    return {
        name: validator_class()(schema, format_checker=format_checker())
        for name, schema in (("v1", v1), ("v2", v2))
    }


def check_listing_format(obs: Observation) -> None:
    """HUB-001: the unfiltered GET is 200, application/json, an array of schema-valid records."""
    problems: list[str] = []
    checked_bodies: set[bytes] = set()
    from jsonschema.exceptions import best_match

    validator = validator_for(obs.profile)
    for answer in obs.unfiltered:
        records, problem = answer.listing()
        if records is None:
            problems.append(problem)
            continue
        if answer.media_type != "application/json":
            problems.append(
                f"{answer.request} answered Content-Type {answer.content_type or '(none)'!r}, "
                "not application/json"
            )
        if answer.body in checked_bodies:
            continue
        checked_bodies.add(answer.body)
        for index, record in enumerate(records):
            if validator.is_valid(
                record
            ):  # the common case, a third cheaper than collecting errors
                continue
            for error in sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path))[
                :3
            ]:
                error = (
                    best_match([error]) or error
                )  # inside an anyOf: the branch that nearly matched
                where = error.json_path.replace("$", f"[{index}] {slug_of(record)}", 1)
                problems.append(f"{answer.request}: record {where}: {error.message}")
        if obs.profile == "v1":
            problems.extend(v1_flag_fields(answer.request, records))
    fail(
        list(dict.fromkeys(problems)),
        "GET /repos/ must answer 200, application/json, an array of records "
        f"valid against the {obs.profile} record schema:",
    )


def v1_flag_fields(request: str, records: list[Any]) -> list[str]:
    """HUB-001 under v1 (decision 25): a v1 hub's records carry no flag fields, since a v2
    resolver reads a flag it is given and takes its absence as the sign of a v1 hub (RES-006)."""
    found = []
    for index, record in enumerate(records):
        fields = [f for f in (FLAG, STAMP) if isinstance(record, dict) and f in record]
        if fields:
            found.append(
                f"{request}: record [{index}] {slug_of(record)} carries {' and '.join(fields)}: "
                "a v1 hub's records carry no flag fields (contract section 2, decision 25); a "
                "hub that has the flag is checked as v2 (--kaizen-hub-profile=v2)"
            )
    return found


def unusable_baseline(obs: Observation) -> list[str]:
    _, problem = obs.baseline
    return [f"cannot check: the unfiltered list is unusable: {problem}"] if problem else []


def check_unique_slugs(obs: Observation) -> None:
    """HUB-002."""
    problems = unusable_baseline(obs)
    for answer, records in obs.listings():
        counts = Counter(slug_of(r) for r in records)
        repeated = {slug: n for slug, n in counts.items() if n > 1}
        if repeated:
            listed = ", ".join(f"{slug} ({n} times)" for slug, n in sorted(repeated.items()))
            problems.append(f"{answer.request} lists {listed}")
    fail(list(dict.fromkeys(problems)), "slugs must be unique within one response:")


def check_roster_whole(obs: Observation) -> None:
    """HUB-003: each seeded repo exactly once, its fields unchanged (the flag and instant under v2)."""
    case = obs.case
    if case is None:
        pytest.skip(unseeded_reason(obs))
    records, problem = obs.first.listing()
    if records is None:
        fail([f"cannot check: {problem}"], "the seeded roster must come back whole and unchanged:")
        return
    counts = Counter(slug_of(r) for r in records)
    problems = []
    seeded_slugs = [r["slug"] for r in case.records]
    seeded = set(seeded_slugs)
    if missing := [s for s in seeded_slugs if counts[s] == 0]:
        problems.append(
            f"missing: {', '.join(missing[:20])}"
            + (f" (+{len(missing) - 20} more)" if len(missing) > 20 else "")
            + f" — {len(records)} of {len(seeded_slugs)} seeded repos came back"
            + roster_hint(missing, [slug_of(r) for r in records], case.records)
        )
    if repeated := sorted(s for s, n in counts.items() if n > 1 and s in seeded):
        problems.append(f"listed more than once: {', '.join(repeated)}")
    if extra := sorted(s for s in counts if s not in seeded):
        problems.append(
            f"not seeded, yet listed: {', '.join(extra[:10])} — the seed function must replace the hub's "
            "data, not add to it"
        )
    by_slug, _ = obs.baseline
    assert by_slug is not None
    for seed in case.records:
        got = by_slug.get(seed["slug"])
        if got is None:
            continue
        fields = ["domain", "host_paths"] + ([FLAG] if obs.profile == "v2" and FLAG in seed else [])
        for name in fields:
            if name not in got:
                problems.append(
                    f"{seed['slug']}: {name} is missing (seeded {short(seed[name], 60)})"
                )
            elif not json_equal(got[name], seed[name]):
                problems.append(
                    f"{seed['slug']}: {name} is {short(got[name], 60)}, seeded {short(seed[name], 60)}"
                )
        if obs.profile == "v2" and STAMP in seed:
            problems.extend(same_instant(seed["slug"], got.get(STAMP, "<missing>"), seed[STAMP]))
    fail(
        problems,
        f"the seeded roster ({len(case.records)} repos) must come back whole and unchanged:",
    )


def same_instant(slug: str, got: Any, seeded_value: Any) -> list[str]:
    if seeded_value is None:
        return [] if got is None else [f"{slug}: {STAMP} is {short(got)}, seeded null"]
    if not isinstance(got, str) or rfc3339_problem(got):
        return [
            f"{slug}: {STAMP} is {short(got)}, not an RFC 3339 date-time (seeded {seeded_value!r})"
        ]
    delta = rfc3339_instant(got) - rfc3339_instant(seeded_value)
    # Contract 7.7: instants compare at microsecond precision (a hub may truncate or round below
    # it); a leap second read back as the following second is the same instant already.
    if abs(delta) >= MICROSECOND:
        return [
            f"{slug}: {STAMP} {got!r} is not the seeded instant {seeded_value!r} "
            f"({float(delta):+g} s; instants are compared to the microsecond)"
        ]
    return []


def check_views(obs: Observation, rule: str) -> None:
    """HUB-004, HUB-006 (v1) and HUB-012..014: each view lists exactly its records, each as the unfiltered list has it."""
    problems: list[str] = []
    by_slug, baseline_problem = obs.baseline
    mine = [(q, a) for q, a in obs.views if q.rule == rule]
    if obs.case is None and baseline_problem:
        problems.append(
            f"only the unknown-domain view could be checked: the unfiltered list, which says what "
            f"each view must hold, is unusable: {baseline_problem}"
        )
    for query, answer in mine:
        records, problem = answer.listing()
        if records is None:
            problems.append(problem)
            continue
        slugs = {slug_of(r) for r in records}
        want = set(query.expect)
        universe = view_universe(obs)
        if missing := sorted(want - slugs):
            problems.append(
                f"{answer.request} is missing {', '.join(missing[:10])}"
                + (f" (+{len(missing) - 10} more)" if len(missing) > 10 else "")
                + missing_hint(missing, universe)
            )
        if extra := sorted(slugs - want):
            problems.append(
                f"{answer.request} lists {', '.join(extra[:10])}"
                + (f" (+{len(extra) - 10} more)" if len(extra) > 10 else "")
                + f", which {'are' if len(extra) > 1 else 'is'} not {describe_view(query)}"
                + extra_hint(extra, slugs, universe)
            )
        if by_slug is None:
            if records and obs.case is not None:
                problems.append(
                    f"{answer.request}: cannot compare its records with the unfiltered list: "
                    f"{baseline_problem}"
                )
            continue
        for record in records:
            base = by_slug.get(slug_of(record))
            if base is not None and not json_equal(record, base):
                problems.append(
                    f"{answer.request}: {slug_of(record)} differs from its unfiltered record: "
                    f"{record_difference(record, base)}"
                )
    fail(list(dict.fromkeys(problems)), VIEW_LEADS[rule])


def roster_hint(missing: list[str], returned: list[str], seeded: Sequence[Any]) -> str:
    """HUB-003: what the missing repos have in common, or the page the answer stopped at."""
    group = what_they_are(missing, seeded)
    if group:
        return f"; missing {group}"
    seeded_slugs = [r["slug"] for r in seeded]
    kept = [s for s in returned if s in set(seeded_slugs)]
    cut = page_cut(kept, {"seeded": seeded_slugs, "in slug order": sorted(seeded_slugs)})
    if cut:
        return (
            f"; what came back is {cut}, as a default page size would cut it: GET /repos/ lists "
            "the whole roster in one answer"
        )
    return ""


def view_universe(obs: Observation) -> list[Any]:
    """The records a view is drawn from: what was seeded, else what the hub lists unfiltered."""
    if obs.case is not None:
        return list(obs.case.records)
    by_slug, _ = obs.baseline
    return list((by_slug or {}).values())


def extra_hint(extra: list[str], listed: set[str], universe: list[Any]) -> str:
    """A view's extra repos: the filter ignored (every repo listed), or what they have in common."""
    every = {r["slug"] for r in universe if isinstance(r, dict) and isinstance(r.get("slug"), str)}
    if listed == every and len(listed) > 1:
        return "; it lists every repo: the filter was ignored"
    return missing_hint(extra, universe)


def describe_view(query: HubQuery) -> str:
    """'flagged true in domain 'custodian'': what every record of the view has."""
    if query.rule == "HUB-006":  # the parameter is ignored: every record belongs
        return "listed without the parameter"
    wanted = dict(query.params)
    parts = [f"flagged {wanted[FLAG]}"] if FLAG in wanted else []
    if "domain" in wanted:
        parts.append(f"in domain {wanted['domain']!r}")
    return " ".join(parts)


VIEW_LEADS = {
    "HUB-004": "?domain=X must list exactly the records of domain X, each as the unfiltered list has it "
    "(an unknown domain: 200 and []):",
    "HUB-012": "?kaizen_schedule_enabled=true must list exactly the records flagged true, each as the unfiltered "
    "list has it:",
    "HUB-013": "?kaizen_schedule_enabled=false must list exactly the records flagged false, the never-flagged "
    "included, each as the unfiltered list has it:",
    "HUB-014": "the flag and domain filters together must list exactly the records that pass both (AND):",
    "HUB-006": "a v1 hub ignores ?kaizen_schedule_enabled: with it, true or false, it must list exactly "
    "what it lists without it:",
}


def check_reads_change_nothing(obs: Observation) -> None:
    """HUB-005: the unfiltered list, read twice at once and again after every other query, is the same."""
    ok, first = obs.first.decoded
    if not obs.first.answered or not ok:
        fail(
            [f"cannot check: the first GET gave no JSON to compare: {obs.first.describe()}"],
            f"{obs.first.request} must give the same body each time (reads change nothing):",
        )
    problems = []
    for label, answer in (
        ("the second GET, right after the first,", obs.again),
        ("the last GET, after every other query,", obs.last),
    ):
        ok, value = answer.decoded
        if not answer.answered or not ok or answer.status != obs.first.status:
            problems.append(
                f"{label} answered differently: {answer.describe()} (first: {obs.first.describe()})"
            )
        elif not json_equal(value, first):
            problems.append(f"{label} differs from the first: {listing_difference(value, first)}")
    fail(problems, f"{obs.first.request} must give the same body each time (reads change nothing):")


def listing_difference(got: Any, want: Any) -> str:
    if not isinstance(got, list) or not isinstance(want, list):
        return f"{short(got)} instead of {short(want)}"
    got_slugs, want_slugs = [slug_of(r) for r in got], [slug_of(r) for r in want]
    if sorted(got_slugs) == sorted(want_slugs) and got_slugs != want_slugs:
        return f"same records in another order: {short(got_slugs, 120)} instead of {short(want_slugs, 120)}"
    if set(got_slugs) != set(want_slugs):
        return (
            f"slugs {short(sorted(set(got_slugs) ^ set(want_slugs)), 120)} appear in one list only"
        )
    first_want = dict(zip(want_slugs, want, strict=True))
    for slug, record in zip(got_slugs, got, strict=True):
        if not json_equal(record, first_want.get(slug)):
            return f"{slug}: {record_difference(record, first_want.get(slug))}"
    return "the bodies differ"


def check_flag_field(obs: Observation) -> None:
    """HUB-010: a JSON boolean on every record; false for a repo never flagged."""
    problems = unusable_baseline(obs)
    for answer, records in obs.listings():
        for record in records:
            if not isinstance(record, dict):
                continue
            if FLAG not in record:
                problems.append(f"{answer.request}: {slug_of(record)} has no {FLAG}")
            elif not isinstance(record[FLAG], bool):
                problems.append(
                    f"{answer.request}: {slug_of(record)} has {FLAG} {short(record[FLAG])}, "
                    "not a JSON boolean"
                )
    problems += never_flagged_problems(obs, FLAG, False, "false")
    fail(
        list(dict.fromkeys(problems)),
        f"every record must carry {FLAG} as a JSON boolean (false when never flagged):",
    )


def never_flagged_problems(obs: Observation, name: str, wanted: Any, shown: str) -> list[str]:
    """Seeded: each repo never flagged must report ``wanted`` (``shown`` in JSON) as its ``name``."""
    by_slug, _ = obs.baseline
    if obs.case is None or by_slug is None:
        return []
    problems = []
    for slug in sorted(obs.case.never_flagged()):
        record = by_slug.get(slug)
        if record is not None and name in record and record[name] is not wanted:
            problems.append(
                f"{slug} was never flagged (seeded without {name}) yet reports "
                f"{short(record[name])}; it must report {shown}"
            )
    return problems


def check_timestamp_field(obs: Observation) -> None:
    """HUB-011: an RFC 3339 date-time with offset, or null; null for a repo never flagged."""
    problems = unusable_baseline(obs)
    for answer, records in obs.listings():
        for record in records:
            if not isinstance(record, dict):
                continue
            if STAMP not in record:
                problems.append(f"{answer.request}: {slug_of(record)} has no {STAMP}")
            elif record[STAMP] is not None and (problem := rfc3339_problem(record[STAMP])):
                problems.append(f"{answer.request}: {slug_of(record)}: {STAMP} {problem}")
    problems += never_flagged_problems(obs, STAMP, None, "null")
    fail(
        list(dict.fromkeys(problems)),
        f"every record must carry {STAMP}, an RFC 3339 date-time with an offset or "
        "null (null when never flagged):",
    )


def refusal_problem(answer: HubAnswer) -> str:
    """'' when ``answer`` refuses a flag value as HUB-015 wants: 400 or 422 with a JSON body."""
    if not answer.answered:
        return answer.describe()
    ok, why = answer.decoded
    if answer.status not in (400, 422):
        return f"{answer.describe()} — an unparseable value must be refused with 400 or 422"
    if not ok:
        return f"{answer.describe()} — the refusal must have a JSON body: {why}"
    if not (answer.media_type == "application/json" or answer.media_type.endswith("+json")):
        return (
            f"{answer.request} answered {answer.status} with Content-Type "
            f"{answer.content_type or '(none)'!r}; a JSON body is application/json"
        )
    return ""


def own_filter(obs: Observation, meaning: bool) -> list[str] | None:
    """The slugs the hub itself listed for ``kaizen_schedule_enabled=true`` (or ``=false``),
    sorted; None when it was not asked or gave no list."""
    for query, answer in obs.views:
        if query.params == ((FLAG, str(meaning).lower()),):
            records, _ = answer.listing()
            return None if records is None else sorted(slug_of(r) for r in records)
    return None


def spelling_problem(obs: Observation, value: str, meaning: bool, answer: HubAnswer) -> str:
    """'' when another spelling of a boolean is refused, or accepted and filtered as its meaning.

    "As its meaning" is judged against the hub's own answer to ``=true`` / ``=false`` (whether
    that answer is right is HUB-012/013's to say), so a spelling that lists what ``=true`` lists
    is never called "filtered as neither boolean"; without that answer, against the contract's.
    """
    if not (answer.answered and answer.status == 200):
        problem = refusal_problem(answer)
        return f"{problem} (or accepted as {str(meaning).lower()})" if problem else ""
    records, problem = answer.listing()
    baseline, _ = obs.first.listing()
    if records is None or baseline is None:
        return problem
    got = sorted(slug_of(r) for r in records)
    said, opposite = str(meaning).lower(), str(not meaning).lower()
    own = own_filter(obs, meaning)
    own_opposite = own_filter(obs, not meaning)
    if got == (own if own is not None else sorted(select(baseline, ((FLAG, said),)))):
        return ""
    if own is not None and got == sorted(select(baseline, ((FLAG, said),))):
        return ""  # right by the contract, where the hub's own =true/=false answer is not
    if got == sorted(select(baseline, ())):
        what = "the unfiltered list"
    elif got == (
        own_opposite if own_opposite is not None else sorted(select(baseline, ((FLAG, opposite),)))
    ):
        what = f"the list {FLAG}={opposite} gives (inverted)"
    else:
        what = f"a list that is neither what {FLAG}=true nor what {FLAG}=false gives: {short(got, 120)}"
    return (
        f"{answer.request} answered 200 with {what}; {value!r} means {said}: "
        f"accepted, it must filter exactly as {FLAG}={said}"
    )


def check_refusals(obs: Observation) -> None:
    """HUB-015: every unparseable flag value answers 400 or 422 with a JSON body; another common
    spelling of a boolean is refused alike, or filters exactly as its meaning (contract 7.6)."""
    problems = [p for p in (refusal_problem(a) for a in obs.refusals) if p]
    problems += [p for p in (spelling_problem(obs, v, m, a) for v, m, a in obs.spellings) if p]
    fail(
        problems,
        "an unparseable kaizen_schedule_enabled must be refused with 400 or 422 and a JSON body, "
        "never 200; another spelling of a boolean is refused alike or filters as its meaning:",
    )


CHECKERS: dict[str, Callable[[Observation], None]] = {
    "HUB-001": check_listing_format,
    "HUB-002": check_unique_slugs,
    "HUB-003": check_roster_whole,
    "HUB-004": partial(check_views, rule="HUB-004"),
    "HUB-005": check_reads_change_nothing,
    "HUB-006": partial(check_views, rule="HUB-006"),
    "HUB-010": check_flag_field,
    "HUB-011": check_timestamp_field,
    "HUB-012": partial(check_views, rule="HUB-012"),
    "HUB-013": partial(check_views, rule="HUB-013"),
    "HUB-014": partial(check_views, rule="HUB-014"),
    "HUB-015": check_refusals,
}


def unseeded_reason(obs: Observation) -> str:
    records, _ = obs.first.listing()
    holding = ""
    if records is not None:
        domains = {r.get("domain") for r in records if isinstance(r, dict)}
        flagged = sum(1 for r in records if isinstance(r, dict) and r.get(FLAG) is True)
        holding = f" The hub holds {len(records)} records in {len(domains)} domains ({flagged} flagged true)"
        holding += (
            "; with no records, the filter rules were checked on empty views only."
            if not records
            else "."
        )
    partly = (
        " HUB-010 and HUB-011 were checked on every record, but not that a repo never flagged reports "
        "false / null, which only a seeded roster tells."
        if obs.profile == "v2"
        else ""
    )
    return (
        "HUB-003 not checked (not a pass): without a seed function the kit cannot know what the hub should "
        f"hold.{partly}{holding} Give --kaizen-hub-seed=module:function "
        f"(called function({obs.seed_target}, records)) to check "
        f"{'them' if partly else 'it'}."
    )


def no_answer_kind(obs: Observation, message: str) -> FailureKind:
    """A failure quoting answers the hub never gave is a crash or an overrun, not a wrong answer.

    Each checker quotes an unanswered request by its description; when the failure quotes
    any, the worst of their kinds (over the limit before crashed) is the failure's kind.
    """
    kinds = {
        answer.failure_kind
        for answer in [*obs.unfiltered, *(a for _, a in obs.views), *obs.refusals]
        if answer.failure_kind is not None and answer.describe() in message
    }
    for kind in (FailureKind.OVER_LIMIT, FailureKind.CRASHED):
        if kind in kinds:
            return kind
    return FailureKind.WRONG_ANSWER


def run_rule(rule: str, case: HubCase | None, context: CheckContext) -> None:
    found = observation_of(context, case)
    if isinstance(found, SetupFailure):  # the app would not start, or its seed function failed
        raise Violation(found.message, FailureKind.CRASHED)
    if isinstance(found, SeedRefused):  # the hub could not store this case's valid records
        if rule == "HUB-003":
            raise Violation(found.message, FailureKind.CRASHED)
        pytest.skip(
            f"not checked on case {found.case.id}: the hub could not be seeded with it "
            f"(HUB-003[{found.case.id}] says why)"
        )
    try:
        CHECKERS[rule](found)
    except Violation as violation:
        if violation.kind is FailureKind.WRONG_ANSWER:
            violation.kind = no_answer_kind(found, str(violation))
        if case is not None and (edges := seeded_edges(case.records, found.profile)):
            violation.args = (
                f"{violation}\nwhat case {case.id} seeds that matters:\n{edges_text(edges)}",
            )
        raise
