"""Rejects a parser-dependent manifest but never says why: its meaning depends on the parser."""

from kaizen_conformance.reference import manifest_tools

ROLE = "validate"
KILLS = ("VAL-004",)
OPTIONS = ["--kaizen-validate={module}:validate", "--kaizen-strict", "-k", "VAL-004"]


def validate(repo: str) -> None:
    try:
        manifest_tools.validate(repo)
    except manifest_tools.ScheduleInvalid as exc:
        first = str(exc).split(": its meaning depends")[0]
        raise manifest_tools.ScheduleInvalid(f"{first}: not a valid manifest") from None
