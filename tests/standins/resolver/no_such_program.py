"""A resolver command whose program is not installed: it never starts, on any case."""

ROLE = "resolver"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = ["--kaizen-resolver-cmd=kaizen-no-such-resolver {hub_url} {hostname} {domain}"]
