"""Returns the event serialised as a JSON string instead of a dict."""

import json

from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-001",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]

prepare = build(finish=json.dumps)
