"""Configure-time rules for the prepare goldens, and the report line on offline enforcement.

Called from ``session.hooks.configure`` on every run, so it imports nothing heavy. Goldens are
the contract: syrupy's ``--snapshot-update`` (and ``--snapshot-update-new-only``) may rewrite
them only in a source checkout of the kit and only from the reference implementation
(``cases.goldens.write_refusal``). This module refuses such a run at configure time when its
arguments name the kit's suite, which gives the earliest and clearest message; it is not the
only guard: the prepare suite refuses at collection and the golden extension refuses to write,
whatever path (a symlink, a module re-exporting the suite) reached the suite. A project that
keeps kaizen options in its ini file still updates its own snapshots freely.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from kaizen_conformance.core.settings import RoleTarget, Settings

UPDATE_OPTIONS = (
    ("update_snapshots", "--snapshot-update"),
    ("update_new_snapshots_only", "--snapshot-update-new-only"),
)


def configure(config: pytest.Config) -> None:
    """Refuse a golden update that must not happen; note in settings whether goldens may be written."""
    from kaizen_conformance.core.stash import settings_of

    settings = settings_of(config)
    flags = [flag for dest, flag in UPDATE_OPTIONS if config.getoption(dest, default=False)]
    settings.snapshot_update = flags[0] if flags else ""
    target = settings.target("prepare")
    if target is None or not runs_the_kit(config):
        return
    if not config.pluginmanager.hasplugin("syrupy"):
        raise pytest.UsageError(
            "kaizen-conformance: the prepare checks compare events with golden snapshots through syrupy, "
            "which is disabled in this run; drop -p no:syrupy"
        )
    if flags:
        refuse_update(flags[0], target)
    config.pluginmanager.register(PrepareReportHeader(settings), "kaizen-prepare-report-header")


def runs_the_kit(config: pytest.Config) -> bool:
    """Whether this run collects the kit's suite (``--pyargs kaizen_conformance`` or a path into it)."""
    for arg in config.args:
        head = arg.split("::", 1)[0]
        if (
            head.split(".", 1)[0] == "kaizen_conformance"
            or "kaizen_conformance" in PurePath(head).parts
        ):
            return True
    return False


def refuse_update(flag: str, target: RoleTarget) -> None:
    """The earliest refusal, where the command line shows the kit's suite: a usage error before
    anything is collected. The golden extension refuses the write itself too, whatever path
    reached the suite (``cases/goldens.py``)."""
    from kaizen_conformance.cases import goldens  # here: every project's run configures the kit

    refusal = goldens.write_refusal(flag, target)
    if refusal:
        raise pytest.UsageError(refusal)


class PrepareReportHeader:
    """Says in the report header how PRE-005 is enforced for the prepare under test."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        target = self.settings.target("prepare")
        if target is None:
            return []
        from kaizen_conformance.adapters.offline import role_enforcement

        record = role_enforcement(self.settings, "prepare")
        assert record is not None  # prepare has an offline rule
        return [
            f"kaizen prepare offline enforcement (PRE-005): {record['network']}: {record['note']}"
        ]
