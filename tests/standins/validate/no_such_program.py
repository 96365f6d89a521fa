"""A validate command whose program is not installed: it never starts, so the role stops at one configuration error."""

ROLE = "validate"
KILLS = ()
FAILS_AS = "configuration-error"  # one ERROR that names the option: no rule is judged
OPTIONS = ["--kaizen-validate-cmd=kaizen-no-such-validator {repo}"]
