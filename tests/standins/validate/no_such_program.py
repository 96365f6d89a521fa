"""A validate command whose program is not installed: it never starts, on any manifest."""

ROLE = "validate"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = ["--kaizen-validate-cmd=kaizen-no-such-validator {repo}"]
