"""A list command whose program is not installed: it never starts, on any manifest."""

ROLE = "list"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = [
    "--kaizen-list-cmd=kaizen-no-such-lister {repo}",
    "--kaizen-validate=kaizen_conformance.reference.manifest_tools:validate",
    "-k",
    "minimal or version-true or no-manifest",
]
