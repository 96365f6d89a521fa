"""Appends .kaizen/cache/ to the checkout's .gitignore: a change outside .kaizen/."""

import os

from mutants.init._parts import initialiser

ROLE = "init"
KILLS = ("INI-002",)
OPTIONS = ["--kaizen-init={module}:init"]


def ignore_cache(repo):
    with open(os.path.join(repo, ".gitignore"), "a", encoding="utf-8") as handle:
        handle.write(".kaizen/cache/\n")


init = initialiser(after=ignore_cache)
