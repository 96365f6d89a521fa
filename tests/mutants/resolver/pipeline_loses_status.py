"""A shell-pipeline resolver (fetch | decide) that loses the fetch's exit status: a failing hub reads as no repos."""

import shlex
from pathlib import Path

ROLE = "resolver"
KILLS = ("RES-011",)
MESSAGE = r"instead of failing loudly"
SCRIPT = Path(__file__).with_suffix(".sh")
# Only the hub cases, to keep the matrix fast: each case starts three processes.
OPTIONS = [
    f"--kaizen-resolver-cmd=sh {shlex.quote(str(SCRIPT))} {{hub_url}} {{hostname}} {{domain}}",
    "-k",
    "hub-",
]
