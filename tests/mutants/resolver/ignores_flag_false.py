"""Claims v2 but ignores the flag: flag-false repos with a manifest are included."""

from mutants.resolver._parts import resolver

ROLE = "resolver"
KILLS = ("RES-004", "RES-010")
MESSAGE = r"included, but should be excluded: flag false"
OPTIONS = ["--kaizen-resolver={module}:resolve", "--kaizen-resolver-profile=v2"]
resolve = resolver("v2", flag_allows=lambda record, profile: True)
