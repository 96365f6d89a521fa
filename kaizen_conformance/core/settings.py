"""What a run is configured to check: the implementation of each role, its profile, the limits.

The session builds one ``Settings`` from the command line, the ini file and
``--kaizen-reference``; every lower layer reads it, none writes it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaizen_conformance.core.targets import load_target
from kaizen_conformance.core.vocabulary import TargetKind

# Placeholders each role's command may use (contract section 5).
COMMAND_FIELDS = {
    "resolver": {"hub_url", "hostname", "domain"},
    "prepare": {"agent", "repo"},
    "validate": {"repo"},
    "init": {"repo"},
}


@dataclass(frozen=True)
class RoleTarget:
    """The implementation configured for one role, and where that came from."""

    role: str
    kind: TargetKind
    spec: str
    origin: str  # "--kaizen-resolver", "ini kaizen_resolver" or "--kaizen-reference"

    def describe(self) -> str:
        return f"{self.spec} ({self.kind}, from {self.origin})"


@dataclass
class Settings:
    targets: dict[str, RoleTarget]
    profiles: dict[str, str]
    values: dict[str, Any]
    timeout: float
    strict: bool
    hub_double: str
    rootpath: Path
    loaded: dict[str, Any] = field(default_factory=dict)
    expectations: list[Any] = field(default_factory=list)

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

    def command(self, role: str) -> list[str]:
        return shlex.split(self.targets[role].spec)
