"""The reference validator without its look at the non-specific tag ``!``.

``version: ! 1`` is the integer 1 to PyYAML, so it passes the schema; YAML 1.2 readers (npm's
``yaml``, js-yaml) read the string "1", which fails it. The reference refuses it as
parser-dependent (contract section 7, item 26); this one, like a validator that trusts its one
YAML library, accepts it.
"""

from kaizen_conformance.reference import manifest_tools
from kaizen_conformance.reference import schedule as ref

ROLE = "validate"
KILLS = ("VAL-004",)
OPTIONS = [
    "--kaizen-validate={module}:validate",
    "--kaizen-strict",
    "-k",
    "VAL-004 and non-specific",
]


def validate(repo: str) -> None:
    looks_at_the_tag = ref._non_specific_tag
    ref._non_specific_tag = lambda text: None  # this call's process only: the rest is the reference
    try:
        manifest_tools.validate(repo)
    finally:
        ref._non_specific_tag = looks_at_the_tag
