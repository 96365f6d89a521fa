"""As a command: prints the event with "id" given twice (a JSON reader keeps one or the other)."""

import json
import sys

from mutants._mistakes import command_option
from mutants.prepare._parts import prepare

ROLE = "prepare"
KILLS = ("PRE-001",)
OPTIONS = [command_option("prepare"), "-k", "minimal"]

if __name__ == "__main__":
    agent, repo = sys.argv[1:3]
    try:
        event = prepare()(repo, agent)
    except Exception as exc:  # noqa: BLE001 - report any failure the way a command does
        print(f"prepare: {exc}", file=sys.stderr)
        sys.exit(1)
    text = json.dumps(event, ensure_ascii=False)
    sys.stdout.write('{"id": "first", ' + text[1:] + "\n")
    sys.exit(0)
