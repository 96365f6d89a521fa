"""A list command that looks up its telemetry host first (and carries on when that fails)."""

import socket
import sys

from mutants._mistakes import command_option
from mutants.list._parts import lister, main

ROLE = "list"
KILLS = ("LST-003",)
MESSAGE = r"tried to use the network"
OPTIONS = [command_option("list"), "-k", "LST-003 and (minimal or version-true)"]

_list = lister(lambda agents: agents)


def list_agents(repo):
    try:
        socket.getaddrinfo("telemetry.kaizen.invalid", 443)
    except OSError:
        pass
    return _list(repo)


if __name__ == "__main__":
    sys.exit(main(list_agents))
