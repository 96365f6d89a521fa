"""A list command whose program is not installed: it never starts, so the role stops at one configuration error."""

ROLE = "list"
KILLS = ()
FAILS_AS = "configuration-error"  # one ERROR that names the option: no rule is judged
OPTIONS = [
    "--kaizen-list-cmd=kaizen-no-such-lister {repo}",
    "--kaizen-validate=kaizen_conformance.reference.manifest_tools:validate",
    "-k",
    "minimal or version-true or no-manifest",
]
