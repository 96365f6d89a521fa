"""A list command that prints [] on stdout when it fails: a script reading stdout sees no agents."""

import sys

from mutants._mistakes import command_option
from mutants.list._parts import ScheduleInvalid, lister

ROLE = "list"
KILLS = ("LST-002",)
MESSAGE = r"printed on stdout while failing"
OPTIONS = [command_option("list"), "-k", "LST-002 and (no-manifest or version-true)"]

if __name__ == "__main__":
    try:
        print(__import__("json").dumps(lister(lambda agents: agents)(sys.argv[1])))
    except ScheduleInvalid as exc:
        print("[]")
        print(f"schedule list: {exc}", file=sys.stderr)
        sys.exit(1)
