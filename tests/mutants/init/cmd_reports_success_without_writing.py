"""An init command that prints "written" and exits 0 but never writes the file."""

import sys

from mutants._mistakes import command_option

ROLE = "init"
KILLS = ("INI-001",)
OPTIONS = [command_option("init"), "-k", "empty-checkout or minimal"]

if __name__ == "__main__":
    print(f"{sys.argv[1]}/.kaizen/schedule.yml: written")
    sys.exit(0)
