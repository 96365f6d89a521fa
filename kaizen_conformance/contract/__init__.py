"""The contract as data, and the kit's own judges of it.

Holds the rule catalogue (``rules/*.yml``), the JSON Schemas (``schemas/``), the OpenAPI
document of the hub, the generated contract document, the kit's RFC 3339 checker, its own
manifest judge, and JSON value kinds and strict JSON reading (``json_data``). It is the bottom layer: it imports nothing else of the kit, so every other
layer, and the reference implementations, may read it.

``from kaizen_conformance import contract`` gives the catalogue's API (``contract.catalogue()``,
``contract.rules_for()``, ``contract.validator()``).

PYTEST_DONT_REWRITE
"""

from kaizen_conformance.contract.catalogue import (
    CONTRACT_DIR,
    PROFILES,
    ROLE_ORDER,
    Rule,
    catalogue,
    catalogue_files,
    rules_for,
    schema,
    schema_names,
    validator,
)

__all__ = [
    "CONTRACT_DIR",
    "PROFILES",
    "ROLE_ORDER",
    "Rule",
    "catalogue",
    "catalogue_files",
    "rules_for",
    "schema",
    "schema_names",
    "validator",
]
