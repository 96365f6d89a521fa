"""As a command: reads every memory file before checking where it leads (seen through access times)."""

import sys

from mutants._mistakes import command_option
from mutants.prepare._parts import command_main
from mutants.prepare.reads_then_refuses import prepare

ROLE = "prepare"
KILLS = ("PRE-004",)
OPTIONS = [command_option("prepare"), "-k", "escaping-symlinks"]

if __name__ == "__main__":
    sys.exit(command_main(prepare))
