"""As a command: on failure prints a placeholder event on stdout, then exits 1."""

import json
import sys

from mutants._mistakes import command_option
from mutants.prepare._parts import command_main, prepare

ROLE = "prepare"
KILLS = ("PRE-009",)
OPTIONS = [command_option("prepare"), "-k", "missing-prompt or bad-metrics"]

if __name__ == "__main__":
    code = command_main(prepare())
    if code:
        placeholder = {
            "specversion": "1.0",
            "type": "kaizen.schedule.prepared",
            "subject": sys.argv[1],
            "data": None,
        }
        print(json.dumps(placeholder))
    sys.exit(code)
