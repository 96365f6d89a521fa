"""Rounds a fraction finer than a microsecond to six digits (which the contract allows), but
never carries into the second: .9999996 becomes .1000000, nine tenths of a second early.
The golden nanosecond case (.123456789) rounds down and comes back right."""

from mutants.hub._parts import reference_seed

from mutants_explore.hub._stamps import StampHub

ROLE = "hub"
FINDS = "HUB-003"
MESSAGE = r"is not the seeded instant"
OPTIONS = ["--kaizen-hub-app={module}:app", "--kaizen-hub-seed={module}:seed"]
seed = reference_seed


def to_microseconds(match):
    fraction = match["fraction"] or ""
    if len(fraction) <= 7:  # a dot and at most six digits: kept as given
        return match.group(0)
    micro = round(int(fraction[1:10].ljust(9, "0")) / 1000)  # may be 1000000: no carry
    return f"{match['date']}{match['t']}{match['time']}.{micro:06d}{match['offset']}"


class Hub(StampHub):
    printed = staticmethod(to_microseconds)


app = Hub().wsgi
