"""Reports each validation to a telemetry endpoint (and carries on when that fails)."""

import socket

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-003",)
OPTIONS = ["--kaizen-validate={module}:validate"]

_validate = validator()


def validate(repo):
    try:
        with socket.create_connection(("127.0.0.1", 9), timeout=0.5) as connection:
            connection.sendall(repo.encode())
    except OSError:
        pass
    _validate(repo)
