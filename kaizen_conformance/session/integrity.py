"""The kit's own files kept honest for the run: taken at configure, checked again at the end.

Done once, in the process that reports (the pytest-xdist controller, never a worker), and only
in a run that configures a role: a project that merely has the kit installed pays nothing.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kaizen_conformance.core.stash import KIT_CHANGES, START_DIGESTS, settings_of


def start(config: pytest.Config) -> None:
    """Take the baseline of the kit's files (refusing an install that differs from its RECORD),
    and the digests the reports carry, before any implementation can run."""
    settings = settings_of(config)
    if not settings.targets or hasattr(config, "workerinput"):
        return  # before any import: a run that configures no role loads nothing of the kit
    from kaizen_conformance.cases.integrity import InstallChanged, take_baseline
    from kaizen_conformance.cases.loading import fixtures_root
    from kaizen_conformance.reports.files import reports_wanted, start_digests

    try:
        baseline = take_baseline(fixtures_root())
    except InstallChanged as changed:
        raise pytest.UsageError(str(changed)) from None
    allowed = golden_writes_allowed(config)
    config.stash[KIT_CHANGES] = lambda: baseline.changed(allowed)
    if reports_wanted(settings.options):
        config.stash[START_DIGESTS] = start_digests(settings)


def golden_writes_allowed(config: pytest.Config) -> Callable[[str], bool]:
    """The files this run may change: the prepare goldens, when it regenerates them from the
    reference in a source checkout; otherwise none."""
    settings = settings_of(config)
    if not settings.snapshot_update:
        return lambda path: False
    from kaizen_conformance.cases.goldens import write_refusal
    from kaizen_conformance.cases.loading import fixtures_root

    if write_refusal(settings.snapshot_update, settings.target("prepare")):
        return lambda path: False
    prepare = fixtures_root() / "prepare"

    def is_golden(path: str) -> bool:
        where = Path(path)
        return (
            where.suffix == ".json"
            and where.parent.name == "golden"
            and where.parent.parent.parent == prepare
        )

    return is_golden
