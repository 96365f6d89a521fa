"""Pings a metrics collector over a raw socket (no HTTP client to intercept), ignoring failures."""

import socket

from kaizen_conformance.reference.prepare import git_head
from mutants.prepare._parts import prepare as build

ROLE = "prepare"
KILLS = ("PRE-005",)
OPTIONS = ["--kaizen-prepare={module}:prepare"]


def head(root):
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as raw:
            raw.settimeout(1)
            raw.connect(("127.0.0.1", 9))
    except OSError:
        pass
    return git_head(root)


prepare = build(head=head)
