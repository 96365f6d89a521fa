"""The kit's reference implementations: the contract as running code.

They are written to be read as the executable explanation of the contract and pass every
check of the kit. They never import the kit's checking code (suite, cases, adapters): a
reference that shared the checker would hide the checker's bugs. Only the shipped data
(the JSON Schemas) is common ground.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

# role -> profile (or None when the role has no profile) -> (kind, target)
IMPLEMENTATIONS: dict[str, dict[str | None, tuple[str, str]]] = {
    "resolver": {
        "v1": ("callable", "kaizen_conformance.reference.resolver:resolve_v1"),
        "v2": ("callable", "kaizen_conformance.reference.resolver:resolve_v2"),
    },
    "validate": {None: ("callable", "kaizen_conformance.reference.manifest_tools:validate")},
    "init": {None: ("callable", "kaizen_conformance.reference.manifest_tools:init")},
    "list": {None: ("callable", "kaizen_conformance.reference.manifest_tools:list_agents")},
    "prepare": {None: ("callable", "kaizen_conformance.reference.prepare:prepare")},
    "hub": {
        "v1": ("app", "kaizen_conformance.reference.hub:app_v1"),
        "v2": ("app", "kaizen_conformance.reference.hub:app"),
    },
}
# role -> the seed function --kaizen-reference supplies with that role's reference (the hub's data)
SEEDS: dict[str, str] = {"hub": "kaizen_conformance.reference.hub:seed"}


def reference_for(role: str, profile: str | None) -> tuple[str, str] | None:
    """The reference implementation of ``role`` for ``profile``, if the kit ships one."""
    by_profile = IMPLEMENTATIONS.get(role)
    if not by_profile:
        return None
    return by_profile.get(profile) or by_profile.get(None)
