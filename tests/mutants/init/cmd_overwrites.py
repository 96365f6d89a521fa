"""An init command that overwrites whatever manifest is there and exits 0."""

import sys

from mutants.init._parts import command_option, initialiser, main

ROLE = "init"
KILLS = ("INI-003",)
OPTIONS = [command_option(), "-k", "empty-checkout or minimal or version-true"]

if __name__ == "__main__":
    sys.exit(main(initialiser(guard=lambda repo: None)))
