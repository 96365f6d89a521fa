"""An init command pointed at a Python module that does not exist: exit 1 on every call."""

import shlex
import sys

ROLE = "init"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = [
    f"--kaizen-init-cmd={shlex.quote(sys.executable)} -m standins.init.no_such_module {{repo}}",
]
