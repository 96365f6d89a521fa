"""A resolver command pointed at a Python module that does not exist: exit 1 on every call."""

import shlex
import sys

ROLE = "resolver"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = [
    f"--kaizen-resolver-cmd={shlex.quote(sys.executable)} -m standins.resolver.no_such_module "
    "{hub_url} {hostname} {domain}",
]
