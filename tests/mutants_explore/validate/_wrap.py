"""Shared piece: the reference validator, with one second opinion that turns its verdict."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from kaizen_conformance.reference import manifest_tools as ref


def document_of(repo: str) -> Any:
    return yaml.safe_load((Path(repo) / ".kaizen" / "schedule.yml").read_bytes())


def accepting(about: str, when: Callable[[Any], bool]) -> Callable[[str], None]:
    """The reference, except that it accepts a manifest it rejects for a reason that mentions
    ``about`` when ``when(document)`` (the document read only then: it is one a loader reads)."""

    def validate(repo: str) -> None:
        try:
            ref.validate(repo)
        except ref.ScheduleInvalid as exc:
            if about not in str(exc) or not when(document_of(repo)):
                raise

    return validate


def rejecting(when: Callable[[Any], str | None]) -> Callable[[str], None]:
    """The reference, except that it rejects a manifest it accepts when ``when(document)`` says why."""

    def validate(repo: str) -> None:
        ref.validate(repo)
        reason = when(document_of(repo))
        if reason:
            raise ref.ScheduleInvalid(f"{Path(repo) / '.kaizen' / 'schedule.yml'}: {reason}")

    return validate
