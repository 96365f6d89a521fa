"""The reference resolver under a mutant's name, claiming a kill it cannot make: it passes."""

from kaizen_conformance.reference.resolver import resolve_v2 as resolve  # noqa: F401

ROLE = "resolver"
KILLS = ("RES-012",)
OPTIONS = ["--kaizen-resolver={module}:resolve", "--kaizen-strict"]
