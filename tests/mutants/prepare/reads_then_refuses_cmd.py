"""As a command: reads every memory file before checking where it leads (seen through access times)."""

import sys

from mutants.prepare._parts import command_main, command_option
from mutants.prepare.reads_then_refuses import prepare

ROLE = "prepare"
KILLS = ("PRE-004",)
OPTIONS = [command_option(), "-k", "escaping-symlinks"]

if __name__ == "__main__":
    sys.exit(command_main(prepare))
