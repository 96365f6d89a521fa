"""Prints timestamps in UTC, applying an offset's sign to its hours only: -03:30 (Newfoundland)
is read as -03:00 plus 30 minutes, an hour off. Offsets with minutes that are positive (+05:30)
and negative offsets of whole hours (-08:00) come out right, as every golden one does."""

from datetime import datetime, timedelta

from mutants.hub._parts import reference_seed

from mutants_explore.hub._stamps import StampHub

ROLE = "hub"
FINDS = "HUB-003"
MESSAGE = r"is not the seeded instant"
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
seed = reference_seed


def in_utc(match):
    offset = match["offset"]
    if offset in ("Z", "z") or match["time"].endswith(":60"):
        return match.group(0)
    sign = -1 if offset[0] == "-" else 1
    # the mistake: the sign applies to the hours, not to the minutes
    shift = timedelta(hours=sign * int(offset[1:3]), minutes=int(offset[4:6]))
    local = datetime.fromisoformat(f"{match['date']}T{match['time']}")
    return f"{local - shift:%Y-%m-%dT%H:%M:%S}{match['fraction'] or ''}Z"


class Hub(StampHub):
    printed = staticmethod(in_utc)


app = Hub().asgi
