"""A list callable with the wrong arity: every call raises TypeError, whatever validate and prepare say."""

ROLE = "list"
KILLS = ()
FAILS_AS = "crashed"
OPTIONS = [
    "--kaizen-list={module}:list_agents",
    "--kaizen-validate=kaizen_conformance.reference.manifest_tools:validate",
    "--kaizen-prepare=kaizen_conformance.reference.prepare:prepare",
    "-k",
    "minimal or version-true or no-manifest or agents-in-file-order",
]


def list_agents():
    return []
