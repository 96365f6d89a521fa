"""A validate command that looks up its telemetry host before validating (and carries on when that fails)."""

import socket
import sys

from mutants._mistakes import command_option, main
from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-003",)
OPTIONS = [command_option("validate"), "-k", "minimal or version-true"]


def validate(repo):
    try:
        socket.getaddrinfo("telemetry.kaizen.invalid", 443)
    except OSError:
        pass
    validator()(repo)


if __name__ == "__main__":
    sys.exit(main(validate, "validate"))
