"""What a run is configured to check: the implementation of each role, its profile, the limits.

The session builds one ``Settings`` from the command line, the ini file and
``--kaizen-reference``; every lower layer reads it, none writes it. Every option's value is a
typed attribute of ``Settings.options`` (named by ``Option.attribute``), and ``Settings.origins``
says where each came from, so a message names a setting the way the user gave it.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaizen_conformance.core.options import OPTIONS
from kaizen_conformance.core.targets import load_target
from kaizen_conformance.core.vocabulary import TargetKind

# Placeholders each role's command may use (contract section 5).
COMMAND_FIELDS = {
    "resolver": {"hub_url", "hostname", "domain"},
    "prepare": {"agent", "repo"},
    "validate": {"repo"},
    "init": {"repo"},
    "list": {"repo"},
}


REFERENCE_ORIGINS = ("--kaizen-reference", "ini kaizen_reference")


def named(origin: str, value: object) -> str:
    """How a message names a setting: as given (``--kaizen-hub-seed=m:f``, ``ini kaizen_hub_seed=m:f``),
    or as supplied by the reference switch (``m:f (from --kaizen-reference)``)."""
    if origin in REFERENCE_ORIGINS:
        return f"{value} (from {origin})"
    return f"{origin}={value}"


@dataclass(frozen=True)
class RoleTarget:
    """The implementation configured for one role, and where that came from."""

    role: str
    kind: TargetKind
    spec: str
    origin: str  # "--kaizen-resolver", "ini kaizen_resolver" or "--kaizen-reference"

    def describe(self) -> str:
        return f"{self.spec} ({self.kind}, from {self.origin})"

    @property
    def named(self) -> str:
        """The option that configured the role, with its value, as a message names it."""
        return named(self.origin, self.spec)

    @property
    def is_reference(self) -> bool:
        return self.origin in REFERENCE_ORIGINS


@dataclass(frozen=True)
class OptionValues:
    """The value of every option of the table (``core/options.py``), one attribute per option,
    named ``Option.attribute`` (the flag without ``--kaizen-``, dashes as underscores).

    The session fills it by those names from the table, so a field missing here or an option
    missing from the table fails at once; tests/test_vocabulary.py holds the two in step.
    Values are what the user gave, after parsing: strings, switches as booleans.
    """

    resolver: str | None
    resolver_cmd: str | None
    resolver_profile: str
    hub_app: str | None
    hub_app_kind: str | None
    hub_url: str | None
    hub_seed: str | None
    hub_seed_cmd: str | None
    hub_profile: str
    prepare: str | None
    prepare_cmd: str | None
    validate: str | None
    validate_cmd: str | None
    init: str | None
    init_cmd: str | None
    list: str | None
    list_cmd: str | None
    cli: tuple[str, ...] | None
    reference: bool
    timeout: str
    memory: str
    jobs: str
    strict: bool
    allow_incomplete: bool
    require_offline_sandbox: bool
    report: str | None
    report_md: str | None
    badge: str | None
    expectations: str | None
    rerun_failed: str | None
    explore: bool
    explore_examples: str
    explore_seed: str
    explore_out: str | None
    explore_strict: bool
    extra_cases: str | None
    hub_double: str
    implementation_name: str | None
    implementation_version: str | None

    @classmethod
    def from_table(cls, values: Mapping[str, Any]) -> OptionValues:
        """Every option's default (``Option.default``; a switch is off), overridden by ``values``."""
        given: dict[str, Any] = {
            o.attribute: bool(o.default) if o.kind == "switch" else o.default for o in OPTIONS
        }
        given.update(values)
        return cls(**given)


@dataclass
class Settings:
    targets: dict[str, RoleTarget]
    profiles: dict[str, str]
    timeout: float
    strict: bool
    hub_double: str
    rootpath: Path
    # MiB any implementation call may use (--kaizen-memory); 0 leaves calls unbounded
    memory_mib: int = 2048
    options: OptionValues = field(default_factory=lambda: OptionValues.from_table({}))
    # Option.attribute -> where its value came from: the flag, "ini kaizen_x", "default" or the
    # reference switch (for what --kaizen-reference supplied)
    origins: Mapping[str, str] = field(default_factory=dict)
    # the syrupy option asking to write goldens in this run ('' for none; --snapshot-update or
    # --snapshot-update-new-only), set by the session; whether it may is cases.goldens.write_refusal
    snapshot_update: str = ""
    loaded: dict[str, Any] = field(default_factory=dict)
    expectations: list[Any] = field(default_factory=list)
    # --kaizen-extra-cases resolved (relative to where it was given) and checked, or None
    extra_cases: Path | None = None
    # the case ids per role under extra_cases, for the header and the report
    extra_case_ids: dict[str, list[str]] = field(default_factory=dict)

    def target(self, role: str) -> RoleTarget | None:
        return self.targets.get(role)

    def profile(self, role: str) -> str:
        return self.profiles.get(role, "v2")

    def implementation(self, role: str) -> Any:
        """The imported callable or app of a role (cached; errors were raised at configure)."""
        target = self.targets[role]
        if role not in self.loaded:
            self.loaded[role] = load_target(target.spec, search=(Path.cwd(), self.rootpath))
        return self.loaded[role]

    def is_callable(self, role: str) -> bool:
        """Whether ``role`` is configured with an in-process function (``--kaizen-<role>=pkg:fn``)."""
        target = self.targets.get(role)
        return target is not None and target.kind == "callable"

    def command(self, role: str) -> list[str]:
        return shlex.split(self.targets[role].spec)

    def named(self, attribute: str) -> str:
        """The option ``attribute`` of ``options`` with its value, as a message names it."""
        return named(self.origin(attribute), getattr(self.options, attribute))

    def origin(self, attribute: str) -> str:
        """Where an option's value came from; the flag itself when it was left at its default."""
        flag = next(o.flag for o in OPTIONS if o.attribute == attribute)
        origin = self.origins.get(attribute, "default")
        return flag if origin == "default" else origin
