"""An init command that overwrites whatever manifest is there and exits 0."""

import sys

from mutants._mistakes import command_option, main
from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-003",)
OPTIONS = [command_option("init"), "-k", "empty-checkout or minimal or version-true"]

if __name__ == "__main__":
    sys.exit(main(initialiser(guard=lambda repo: None), "init"))
