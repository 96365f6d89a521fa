"""A validate command that dies on a signal when the manifest is invalid: a crash is not a verdict."""

import os
import signal
import sys

from mutants._mistakes import command_option
from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-001",)
KIND = "crashed"  # VAL-001: death by a signal is no verdict
OPTIONS = [command_option("validate"), "-k", "minimal or version-true"]

if __name__ == "__main__":
    try:
        validator()(sys.argv[1])
    except ValueError:
        os.kill(os.getpid(), signal.SIGSEGV)
