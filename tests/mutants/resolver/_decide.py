"""Other half of the shell-pipeline mutant: read a roster on stdin (nothing read: no repos), print the decision."""

import json
import sys

from mutants.resolver._parts import resolver

if __name__ == "__main__":
    text = sys.stdin.read()
    roster = json.loads(text) if text.strip() else []
    decide = resolver(fetch=lambda *args: roster)
    print(json.dumps(decide("unused", sys.argv[1], sys.argv[2] or None)))
