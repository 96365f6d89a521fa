"""A resolver command whose program is not installed: it never starts, so the role stops at one configuration error."""

ROLE = "resolver"
KILLS = ()
FAILS_AS = "configuration-error"  # one ERROR that names the option: no rule is judged
OPTIONS = ["--kaizen-resolver-cmd=kaizen-no-such-resolver {hub_url} {hostname} {domain}"]
