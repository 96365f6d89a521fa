"""An init command that waits for input that never comes: killed at the per-call limit."""

import time

from mutants._mistakes import command_option

ROLE = "init"
KILLS = ("INI-001", "INI-003")
KIND = "over-limit"  # INI-001 / INI-003: a hang neither writes nor refuses
OPTIONS = [command_option("init"), "-k", "empty-checkout or minimal"]

if __name__ == "__main__":
    while True:
        time.sleep(60)
