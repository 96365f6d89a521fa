"""Prepare conformance: every golden fixture repo of ``fixtures/prepare/`` and every invalid manifest.

One prepare invocation is one (case, agent) pair, named ``<case>/<agent>``. An agent expected
to produce an event yields one check per rule — PRE-001 (schema), PRE-002 (golden), PRE-003
(hashes), PRE-004 (paths), PRE-005 (offline), PRE-006 (read-only), PRE-007 (a second run on
the same repo), PRE-010 (HEAD), PRE-011 (extension names) — sharing one run. An agent expected to fail yields the check
of the rule that makes it fail (PRE-004, PRE-008 or PRE-009) plus PRE-005 and PRE-006:
errors, too, are offline and read-only. Corpus manifests yield their PRE-009 check only.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from kaizen_conformance import contract
from kaizen_conformance.adapters.prepare import PrepareResult, call_prepare
from kaizen_conformance.cases.loading import FixtureError
from kaizen_conformance.cases.prepare import (
    Expectation,
    GitUnavailable,
    Materialised,
    PrepareCase,
    enclosing_git_checkout,
    missing_goldens,
    prepare_cases,
)
from kaizen_conformance.contract.rfc3339 import rfc3339_problem
from kaizen_conformance.core.checks import Check, CheckContext, FailureKind, Violation, ahead_of
from kaizen_conformance.core.settings import Settings
from kaizen_conformance.runtime import trees

ROLE = "prepare"
EVENT_RULES = (
    "PRE-001",
    "PRE-002",
    "PRE-003",
    "PRE-004",
    "PRE-005",
    "PRE-006",
    "PRE-007",
    "PRE-010",
    "PRE-011",
)
BOUNDARY_RULES = ("PRE-005", "PRE-006")


@dataclass(frozen=True)
class Invocation:
    """prepare(repo, agent) on one case: what it must do is ``expect``.

    ``golden`` is the golden event's text as read at collection, before any implementation ran
    (None when there is none): PRE-002 judges against it, never against the disk at check time.
    """

    case: PrepareCase
    agent: str
    expect: Expectation
    golden: str | None = None

    @property
    def id(self) -> str:
        return f"{self.case.id}/{self.agent}"


def invocations() -> list[Invocation]:
    """Every invocation, each golden read now: collection comes before any implementation runs."""
    from kaizen_conformance.cases.goldens import read_golden

    return [
        Invocation(
            case, agent, expect, read_golden(case.golden(agent)) if expect.is_event else None
        )
        for case in prepare_cases()
        for agent, expect in case.agents.items()
    ]


def collect(settings: Settings) -> list[Check]:
    updating = settings.snapshot_update
    if updating:
        refuse_golden_writes(settings)
    checks = []
    for invocation in invocations():
        case, expect = invocation.case, invocation.expect
        if expect.is_event:
            if not updating and (missing := missing_goldens(case)):
                raise FixtureError(
                    case.source,
                    f"no golden for {', '.join(p.stem for p in missing)}: {missing[0]} does not exist",
                    fix="generate it from a source checkout: pytest --pyargs kaizen_conformance --kaizen-reference "
                    f"--snapshot-update -k 'PRE-002 and {case.id}' (then review the new file)",
                )
            rules: tuple[str, ...] = EVENT_RULES
        elif case.manifest is not None:
            rules = (expect.rule or "PRE-009",)
        else:
            rules = (expect.rule or "PRE-009", *BOUNDARY_RULES)
        for rule in rules:
            checker = CHECKERS[rule] if expect.is_event or rule in BOUNDARY_RULES else check_error
            checks.append(
                Check(
                    ROLE,
                    (rule,),
                    invocation.id,
                    partial(checker, invocation),
                    case.description,
                    ahead_of(run_of, invocation),
                )
            )
    return checks


def refuse_golden_writes(settings: Settings) -> None:
    """A run asking syrupy to write goldens that may not, refused before anything runs.

    Whatever path reached the suite (``--pyargs``, the suite's file, a symlink to it, a module
    re-exporting it), collecting it comes here; the golden extension refuses the write too.
    """
    from kaizen_conformance.cases import goldens

    refusal = goldens.write_refusal(settings.snapshot_update, settings.target(ROLE))
    if refusal:
        raise goldens.GoldenWriteRefused(refusal)


# --------------------------------------------------------------------------- running prepare


@dataclass
class Run:
    """One prepare invocation on a materialised case, with the tree before and after."""

    invocation: Invocation
    materialised: Materialised
    result: PrepareResult
    before: dict[str, Any]
    after: dict[str, Any]
    reads_seen: list[str]  # never-read files whose access time moved
    atime_watch: bool  # whether access times could be watched here


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:60] or "case"


def watched_tree(materialised: Materialised) -> dict[str, Any]:
    """The checkout and everything outside it that the case laid out (what symlinks lead to)."""
    tree = {f"repo/{k}": v for k, v in trees.fingerprint(materialised.checkout).items()}
    tree.update(
        {f"outside/{k}": v for k, v in trees.fingerprint(materialised.workspace.outside).items()}
    )
    given = Path(materialised.given)
    if given.is_symlink():
        tree["given path"] = ("link", os.readlink(given))
    return tree


def execute(
    context: CheckContext, invocation: Invocation, materialised: Materialised | None = None
) -> Run:
    """Run prepare once; on a fresh materialisation of the case unless one is given (PRE-007's second run).

    An in-process prepare is called a second time in the same process on a fresh case, and that
    answer is PRE-007's second run (``Run.again``).
    """
    materialised_here = materialised is None
    if materialised is None:
        try:
            materialised = invocation.case.materialise(
                context.workspace_dir(f"pre-{safe_name(invocation.id)}")
            )
        except GitUnavailable as exc:
            pytest.skip(f"{exc} (not a pass: install git to check this case)")
    before = watched_tree(materialised)
    never_read = materialised.never_read(invocation.expect.never_read)
    armed = arm_access_times(never_read)
    is_command = context.settings.target(ROLE).kind == "command"  # type: ignore[union-attr]
    result = call_prepare(
        context.settings,
        materialised.given,
        invocation.agent,
        scratch=context.workspace_dir("pre-sandbox") if is_command else None,
        watch=never_read,
        label=f"prepare {invocation.id}",
        again=materialised_here and not is_command,
    )
    root = materialised.workspace.root
    reads = [str(path.relative_to(root)) for path, stamp in armed.items() if accessed(path, stamp)]
    after = watched_tree(materialised)
    return Run(invocation, materialised, result, before, after, reads, atime_supported(context))


def run_of(context: CheckContext, invocation: Invocation, attempt: int = 0) -> Run:
    """The invocation's run, shared by its checks; attempt 1 runs again on the same repo (PRE-007)."""
    if attempt == 0:
        run: Run = context.remember((ROLE, invocation.id, 0), lambda: execute(context, invocation))
        return run
    first = run_of(context, invocation)
    if first.result.again is not None:  # called again in the first call's process
        return replace(first, result=first.result.again)
    again: Run = context.remember(
        (ROLE, invocation.id, attempt), lambda: execute(context, invocation, first.materialised)
    )
    return again


# --------------------------------------------------------------------------- access times (PRE-004)


def arm_access_times(paths: list[Path]) -> dict[Path, int]:
    """Set each file's access time well before its modification time: a read then moves it (relatime)."""
    armed = {}
    for path in paths:
        info = path.stat()
        stamp = info.st_mtime_ns - 10**10
        os.utime(path, ns=(stamp, info.st_mtime_ns))
        armed[path] = stamp
    return armed


def accessed(path: Path, stamp: int) -> bool:
    return path.stat().st_atime_ns != stamp


_ATIME_PROBE = pytest.StashKey[bool]()


def atime_supported(context: CheckContext) -> bool:
    stash = context.request.config.stash
    if _ATIME_PROBE not in stash:
        stash[_ATIME_PROBE] = _probe_access_times(context.workspace_dir("pre-atime-probe"))
    return stash[_ATIME_PROBE]


def _probe_access_times(directory: Path) -> bool:
    """Does this filesystem record reads (not mounted noatime)? Decided once per session."""
    probe = directory / "probe"
    probe.write_bytes(b"probe")
    armed = arm_access_times([probe])
    probe.read_bytes()
    return accessed(probe, armed[probe])


# --------------------------------------------------------------------------- shared judgements


def describe_result(run: Run) -> str:
    return f"prepare {run.result.outcome_text}"


def failure_kind(result: PrepareResult) -> FailureKind:
    """What a failed invocation did where an answer was due: ran past the limit, or crashed."""
    if result.timed_out:
        return FailureKind.OVER_LIMIT
    if result.failed:
        return FailureKind.CRASHED
    return FailureKind.WRONG_ANSWER


def require_event(run: Run) -> dict[str, Any]:
    """The event this invocation must have produced, or a Violation saying why there is none."""
    result = run.result
    if result.failed:
        detail = (
            f"\n{result.message.strip()[:800]}"
            if result.via == "callable" and result.message
            else ""
        )
        raise Violation(
            f"expected an event; prepare {result.failure}{detail}", failure_kind(result)
        )
    if result.problem:
        raise Violation(f"expected one event; prepare {result.problem}")
    assert result.event is not None
    return result.event


def data_files(event: dict[str, Any]) -> list[tuple[str, Any]]:
    """(where, entry) for every file entry of ``data``: prompt, each memory file, metrics."""
    data = event.get("data")
    if not isinstance(data, dict):
        return []
    entries: list[tuple[str, Any]] = []
    if "prompt" in data:
        entries.append(("data.prompt", data["prompt"]))
    if isinstance(data.get("memory"), list):
        entries.extend((f"data.memory[{i}]", item) for i, item in enumerate(data["memory"]))
    if data.get("metrics") is not None:
        entries.append(("data.metrics", data["metrics"]))
    return entries


# --------------------------------------------------------------------------- checks of an event


def check_schema(invocation: Invocation, context: CheckContext) -> None:
    """PRE-001: the event validates against the prepared-event schema; time is a real RFC 3339 instant."""
    event = require_event(run_of(context, invocation))
    errors = sorted(
        contract.validator("prepared-event").iter_errors(event),
        key=lambda e: (list(e.absolute_path), e.message),
    )
    problems = [f"at {e.json_path}: {e.message[:200]}" for e in errors[:5]]
    if len(errors) > 5:
        problems.append(f"... and {len(errors) - 5} more")
    time_problem = rfc3339_problem(event.get("time"))
    if time_problem and not any(e.json_path == "$.time" for e in errors):
        problems.append(f"at $.time: {time_problem}")
    problems.extend(lone_surrogates(event))
    if problems:
        raise Violation(
            "the event does not validate against prepared-event.schema.json:\n  "
            + "\n  ".join(problems)
        )


LONE_SURROGATE = re.compile("[\ud800-\udfff]")
EXTENSION_NAME_LIMIT = 20  # CloudEvents 1.0: a name SHOULD NOT exceed 20 characters
CORE_ATTRIBUTES = frozenset(
    ("specversion", "type", "source", "id", "time", "subject", "datacontenttype", "dataschema")
)


def lone_surrogates(event: dict[str, Any]) -> list[str]:
    """PRE-001: a String attribute is Unicode text; a lone surrogate (a '\\ud800' escape) is not.

    A JSON Schema pattern cannot say it (ECMA-262 sees UTF-16 code units), so the kit does.
    """
    return [
        f"at $.{name}: {value!r:.80} holds a lone surrogate, which is no Unicode character"
        for name, value in event.items()
        if name != "data" and isinstance(value, str) and LONE_SURROGATE.search(value)
    ]


def check_extension_names(invocation: Invocation, context: CheckContext) -> None:
    """PRE-011 (SHOULD): CloudEvents extension attribute names are at most 20 characters."""
    event = require_event(run_of(context, invocation))
    long_names = [
        name
        for name in event
        if name not in CORE_ATTRIBUTES and name != "data" and len(name) > EXTENSION_NAME_LIMIT
    ]
    if long_names:
        raise Violation(
            f"extension attribute name {long_names[0]!r} has {len(long_names[0])} characters: "
            f"CloudEvents 1.0 says a name SHOULD NOT exceed {EXTENSION_NAME_LIMIT} "
            "(a SHOULD-level finding: the event is still valid)"
        )


def check_golden(invocation: Invocation, context: CheckContext) -> None:
    """PRE-002: the normalised event equals the golden snapshot of this case and agent.

    The golden is the text read at collection (``Invocation.golden``): what prepare wrote into the
    kit's fixtures since cannot change its verdict (and the session reports such a change).
    """
    from kaizen_conformance.cases import goldens

    run = run_of(context, invocation)
    event = require_event(run)
    payload = goldens.normalise(event, run.materialised.given)
    golden_path = invocation.case.golden(invocation.agent)
    settings = context.settings
    extension = goldens.PreparedGoldens.holding(
        golden_path,
        invocation.golden,
        goldens.write_refusal(
            settings.snapshot_update or "--snapshot-update", settings.target(ROLE)
        ),
    )
    snapshot = context.request.getfixturevalue("snapshot").use_extension(extension)
    if snapshot.update_snapshots or getattr(snapshot, "update_new_snapshots_only", False):
        try:
            extension.refuse_writes()
        except goldens.GoldenWriteRefused as refused:
            raise Violation(str(refused), FailureKind.KIT_ERROR) from None
    if snapshot(name=invocation.id) == payload:
        return
    raise Violation(
        golden_difference(
            display(golden_path),
            run.materialised.given,
            invocation.golden or "",
            goldens.serialise(payload),
        )
    )


def golden_difference(golden: str, given: str, golden_text: str, received: str) -> str:
    """PRE-002's words for an event that differs from its golden (exploration's too)."""
    from kaizen_conformance.cases import goldens

    return (
        f"the event differs from the golden {golden}\n"
        f"(compared: specversion, type, subject, datacontenttype and data; id, time and data.repo.root "
        f"normalised to {goldens.ID}, {goldens.TIME} and {goldens.ROOT}, the last only when it is the path "
        f"given, {given!r})\n" + goldens.diff(golden_text, received)
    )


def display(path: Path) -> str:
    from kaizen_conformance.cases.loading import fixtures_root

    base = fixtures_root().parent
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def resolve_entry_path(run: Run, path: str) -> Path | None:
    """The file an event's path names in the checkout: relative to the given root, or absolute inside it."""
    given = Path(run.materialised.given)
    candidate = Path(path) if os.path.isabs(path) else given / path
    real_root = os.path.realpath(given)
    real = os.path.realpath(candidate)
    if real != real_root and not real.startswith(real_root + os.sep):
        return None
    return candidate


def check_hashes(invocation: Invocation, context: CheckContext) -> None:
    """PRE-003: every sha256 and bytes is that of the file's bytes on disk."""
    run = run_of(context, invocation)
    event = require_event(run)
    problems = []
    entries = data_files(event)
    if not entries:
        raise Violation("the event names no files (no data.prompt): nothing to hash; see PRE-001")
    for where, entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            problems.append(f"{where}: no path to check (see PRE-001)")
            continue
        target = resolve_entry_path(run, entry["path"])
        if target is None or not target.is_file():
            problems.append(f"{where}: path {entry['path']!r} names no file in the repo")
            continue
        data = target.read_bytes()
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
        if entry.get("sha256") != digest:
            problems.append(
                f"{where} ({entry['path']}): sha256 {entry.get('sha256')!r:.70}, the file's bytes hash to {digest}"
            )
        if entry.get("bytes") != size or isinstance(entry.get("bytes"), bool):
            problems.append(
                f"{where} ({entry['path']}): bytes {entry.get('bytes')!r}, the file has {size} bytes"
            )
    if problems:
        raise Violation(
            "hashes or sizes do not match the files' bytes:\n  " + "\n  ".join(problems)
        )


def relative_path_problem(path: Any) -> str | None:
    """Why ``path`` is not a repo-relative POSIX path (lexically: resolving is the caller's part)."""
    if not isinstance(path, str) or not path:
        return f"{path!r} is not a non-empty string"
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return f"{path!r} is absolute"
    if "\\" in path:
        return f"{path!r} uses backslashes, not POSIX separators"
    segments = path.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        return f"{path!r} has an empty, '.' or '..' segment"
    return None


def check_paths(invocation: Invocation, context: CheckContext) -> None:
    """PRE-004 on an event: every path is repo-relative POSIX and stays inside the repo once resolved."""
    run = run_of(context, invocation)
    event = require_event(run)
    problems = []
    for where, entry in data_files(event):
        path = entry.get("path") if isinstance(entry, dict) else None
        problem = relative_path_problem(path)
        if problem is None and isinstance(path, str) and resolve_entry_path(run, path) is None:
            problem = f"{path!r} resolves outside the repo"
        if problem:
            problems.append(f"{where}.path: {problem}")
    if problems:
        raise Violation(
            "paths must be repo-relative POSIX paths inside the repo:\n  " + "\n  ".join(problems)
        )


def check_offline(invocation: Invocation, context: CheckContext) -> None:
    """PRE-005: no connection, DNS lookup or HTTP request was attempted."""
    run = run_of(context, invocation)
    result = run.result
    context.request.node.user_properties.append(("kaizen_offline_enforcement", result.enforcement))
    if result.network_attempts:
        shown = "\n  ".join(result.network_attempts[:8])
        raise Violation(
            f"prepare tried to use the network ({len(result.network_attempts)} attempt(s), all refused):\n  {shown}\n"
            f"enforcement: {result.enforcement}; prepare {result.outcome_text}"
        )


def check_read_only(invocation: Invocation, context: CheckContext) -> None:
    """PRE-006: the repo tree (names, kinds, modes, bytes), and what its links lead to, is unchanged."""
    run = run_of(context, invocation)
    changes = trees.differences(run.before, run.after)
    if changes:
        raise Violation("prepare changed the repo it read:\n  " + "\n  ".join(changes))


def check_deterministic(invocation: Invocation, context: CheckContext) -> None:
    """PRE-007: a second run on the same repo gives the same payload apart from id and time."""
    first = run_of(context, invocation)
    second = run_of(context, invocation, attempt=1)
    events = []
    for label, run in (("first", first), ("second", second)):
        try:
            events.append(require_event(run))
        except Violation as violation:
            raise Violation(f"no {label} event to compare: {violation}", violation.kind) from None
    stripped = [{k: v for k, v in event.items() if k not in ("id", "time")} for event in events]
    if stripped[0] != stripped[1]:
        differences = list(differing_paths(stripped[0], stripped[1]))
        raise Violation(
            "two runs on the same repo gave different payloads (id and time aside):\n  "
            + "\n  ".join(differences[:10])
        )


def differing_paths(a: Any, b: Any, where: str = "$") -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                yield f"{where}.{key}: only in the {'first' if key in a else 'second'} run"
            else:
                yield from differing_paths(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from differing_paths(x, y, f"{where}[{index}]")
    elif a != b:
        yield f"{where}: {a!r:.100} then {b!r:.100}"


def check_head(invocation: Invocation, context: CheckContext) -> None:
    """PRE-010: repo.head is HEAD's commit id in a git checkout, null elsewhere."""
    run = run_of(context, invocation)
    event = require_event(run)
    data = event.get("data")
    repo = data.get("repo") if isinstance(data, dict) else None
    if not isinstance(repo, dict) or "head" not in repo:
        raise Violation("the event has no data.repo.head (see PRE-001)")
    expected, head = run.materialised.head, repo["head"]
    if head == expected:
        return
    if expected is None:
        around = enclosing_git_checkout(run.materialised.checkout)
        hint = ""
        if around is not None and around.is_relative_to(run.materialised.workspace.root):
            hint = (
                f"\nthe repo is a plain directory inside the git work tree {around}, with no .git "
                "of its own: its head is null, not the enclosing work tree's HEAD (contract "
                "section 7); ask git only about the repo's own .git"
            )
        elif around is not None:
            hint = (
                f"\nnote: the kit's temporary directory is inside the git checkout {around}; give "
                "pytest a --basetemp outside any checkout"
            )
        raise Violation(
            f"the repo is not a git checkout, so repo.head must be null; it is {head!r}{hint}"
        )
    raise Violation(
        f"repo.head is {head!r}; HEAD of this git checkout is {expected} (git rev-parse HEAD)"
    )


# --------------------------------------------------------------------------- checks of an error


def check_error(invocation: Invocation, context: CheckContext) -> None:
    """PRE-004 / PRE-008 / PRE-009: prepare fails, says why (naming the agent or file), prints no event."""
    run = run_of(context, invocation)
    result, expect = run.result, invocation.expect
    why = ERROR_REASONS[expect.rule or "PRE-009"]
    if run.materialised.marker.exists():
        raise Violation(f"code in the manifest was executed: it created {run.materialised.marker}")
    if result.timed_out or result.never_ran:
        raise Violation(
            f"expected an error ({why}); prepare {result.failure}", failure_kind(result)
        )
    if not result.failed:
        produced = "returned" if result.via == "callable" else "exited 0 and printed"
        raise Violation(
            f"expected an error ({why}); prepare {produced} {result.printed or 'nothing'}"
        )
    if result.printed_event:
        raise Violation(
            f"prepare failed ({why}) but printed an event on stdout anyway: {result.printed}"
        )
    must_name = expect.names or (invocation.agent if expect.rule == "PRE-008" else None)
    if must_name and must_name not in result.message:
        channel = "the exception's message" if result.via == "callable" else "stderr"
        # a crash (wrong arity, a missing module, a signal) fails here too, but it is no refusal
        raise Violation(
            f"prepare failed ({why}), but {channel} does not name {must_name!r}: {result.message.strip()[:300]!r}"
            + (f"\nit crashed rather than refused: {result.failure}" if result.crashed else ""),
            FailureKind.CRASHED if result.crashed else FailureKind.WRONG_ANSWER,
        )
    if expect.never_read:
        check_never_read(run, context)


def check_never_read(run: Run, context: CheckContext) -> None:
    """PRE-004: the target of an escaping symlink is never read (access times; opens, in-process)."""
    result = run.result
    watches = ["access times"] if run.atime_watch else []
    if result.via == "callable":
        watches.append("audit hook on open")
    context.request.node.user_properties.append(
        ("kaizen_read_watch", " + ".join(watches) or "none")
    )
    if not watches:
        warnings.warn(
            f"{run.invocation.id}: this filesystem does not record access times (noatime), so whether the command "
            "read an escaping symlink's target cannot be seen; only the refusal itself was checked (PRE-004)",
            stacklevel=1,
        )
    leaked = []
    outputs = result.message + result.printed
    for path in run.materialised.never_read(run.invocation.expect.never_read):
        content = path.read_bytes().decode("utf-8", errors="replace").strip()
        if len(content) >= 16 and content[:40] in outputs:
            leaked.append(f"its error output contains the start of {path.name}")
    seen = [f"opened {p}" for p in result.opened] + [
        f"the access time of {p} moved" for p in run.reads_seen
    ]
    if seen or leaked:
        raise Violation(
            "prepare refused the escaping symlink, but read its target first:\n  "
            + "\n  ".join(seen + leaked)
        )


ERROR_REASONS = {
    "PRE-004": "a file that is a symlink leaving the repo",
    "PRE-008": "an agent not in schedule.yml, or disabled there",
    "PRE-009": "a missing or invalid schedule.yml, a missing prompt.md, or metrics that are not a JSON object",
}

CHECKERS: dict[str, Callable[[Invocation, CheckContext], None]] = {
    "PRE-001": check_schema,
    "PRE-011": check_extension_names,
    "PRE-002": check_golden,
    "PRE-003": check_hashes,
    "PRE-004": check_paths,
    "PRE-005": check_offline,
    "PRE-006": check_read_only,
    "PRE-007": check_deterministic,
    "PRE-010": check_head,
}
