"""A validate command pointed at a Python module that does not exist: exit 1 on every call."""

import shlex
import sys

ROLE = "validate"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = [
    f"--kaizen-validate-cmd={shlex.quote(sys.executable)} -m standins.validate.no_such_module "
    "{repo}",
]
