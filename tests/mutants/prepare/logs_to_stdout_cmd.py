"""As a command: logs a progress line on stdout before the JSON."""

import sys

from mutants._mistakes import command_option
from mutants.prepare._parts import command_main, prepare

ROLE = "prepare"
KILLS = ("PRE-001",)
OPTIONS = [command_option("prepare"), "-k", "minimal or memory-and-metrics"]

if __name__ == "__main__":
    print(f"preparing {sys.argv[1]} in {sys.argv[2]} ...", flush=True)
    sys.exit(command_main(prepare()))
