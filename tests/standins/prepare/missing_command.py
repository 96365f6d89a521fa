"""A prepare command pointed at a Python module that does not exist: exit 1 on every call."""

import shlex
import sys

ROLE = "prepare"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = [
    f"--kaizen-prepare-cmd={shlex.quote(sys.executable)} -m standins.prepare.no_such_module "
    "{agent} {repo}",
]
