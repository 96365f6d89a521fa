"""A validate command that indexes into the document before checking it: invalid input dies in a traceback."""

import os
import sys

import yaml

from mutants._mistakes import command_option
from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-002",)
KIND = "crashed"  # VAL-002: a traceback is no rejection message
OPTIONS = [command_option("validate"), "-k", "minimal or agent-entry-scalar or top-level-list"]

if __name__ == "__main__":
    repo = sys.argv[1]
    with open(os.path.join(repo, ".kaizen", "schedule.yml"), "rb") as handle:
        names = [
            agent["name"] for agent in yaml.safe_load(handle)["agents"]
        ]  # schedule.yml's agents
    try:
        validator()(repo)
    except ValueError as exc:
        print(f"schedule validate: {exc}", file=sys.stderr)
        sys.exit(1)
