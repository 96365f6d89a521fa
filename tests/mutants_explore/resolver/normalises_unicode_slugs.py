"""Returns slugs in Unicode NFC: a slug the hub spelt decomposed (NFD) comes back spelt otherwise."""

import unicodedata
from functools import partial

from mutants_explore.resolver._wrap import respelling

ROLE = "resolver"
FINDS = "RES-001"
MESSAGE = r"missing, but should be included"
OPTIONS = ["--kaizen-resolver={module}:resolve"]
resolve = respelling(partial(unicodedata.normalize, "NFC"))
