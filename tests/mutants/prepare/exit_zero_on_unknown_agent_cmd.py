"""As a command: reports an unknown or disabled agent on stderr but exits 0."""

import sys

from mutants._mistakes import command_option
from mutants.prepare._parts import command_main, prepare

ROLE = "prepare"
KILLS = ("PRE-008",)
OPTIONS = [command_option("prepare"), "-k", "unknown-and-disabled"]

if __name__ == "__main__":
    code = command_main(prepare())
    sys.exit(0 if code == 1 else code)
