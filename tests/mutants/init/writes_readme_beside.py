"""Writes a KAIZEN.md next to .kaizen/ explaining the scaffold: outside .kaizen/, so not allowed."""

import os

from mutants.init._parts import initialiser, write_text

ROLE = "init"
KILLS = ("INI-002",)
OPTIONS = ["--kaizen-init={module}:init"]

init = initialiser(
    after=lambda repo: write_text(
        os.path.join(repo, "KAIZEN.md"), "# kaizen\nSee .kaizen/schedule.yml\n"
    )
)
