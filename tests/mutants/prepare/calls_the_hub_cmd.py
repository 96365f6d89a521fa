"""As a command: posts a heartbeat to the hub with urllib (no httpx), ignoring failures."""

import sys
import urllib.request

from mutants._mistakes import command_option
from mutants.prepare._parts import command_main, prepare

ROLE = "prepare"
KILLS = ("PRE-005",)
OPTIONS = [command_option("prepare"), "-k", "minimal"]

if __name__ == "__main__":
    try:
        urllib.request.urlopen("http://127.0.0.1:9/heartbeat", data=b"{}", timeout=2)
    except OSError:
        pass
    sys.exit(command_main(prepare()))
