"""The hub's OpenAPI documents, one per profile, from one source.

``openapi.json`` is the v2 document, written by hand. The v1 document is derived from it (a v1
hub knows no flag: no flag parameter, no flag fields required, no refusal), and shipped as
``openapi-v1.json`` so a team can read or feed it to a client without the kit;
``kaizen-conformance openapi v1`` prints it, and the kit's tests fail if the shipped copy
drifts from the derivation.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import copy
import json
from typing import Any

from kaizen_conformance.contract.catalogue import CONTRACT_DIR

SOURCE = CONTRACT_DIR / "openapi.json"
FILES = {"v1": CONTRACT_DIR / "openapi-v1.json", "v2": SOURCE}
FLAG = "kaizen_schedule_enabled"


def document(profile: str) -> dict[str, Any]:
    """The OpenAPI document a hub of ``profile`` serves (``v1`` or ``v2``)."""
    source: dict[str, Any] = json.loads(SOURCE.read_text(encoding="utf-8"))
    if profile == "v2":
        return source
    if profile != "v1":
        raise ValueError(f"profile {profile!r}: choose v1 or v2")
    v1 = copy.deepcopy(source)
    v1["info"]["title"] = v1["info"]["title"].replace("contract v1, section 2", "profile v1")
    v1["info"]["description"] = (
        "Profile v1: the hub knows no kaizen flag. Records are HubRecord without the flag "
        "fields (a v2 client reads a flag it is given, and takes its absence as the sign of a "
        "v1 hub: decision 25) and the kaizen_schedule_enabled query parameter is not "
        "part of the interface: the hub ignores it (HUB-006). Every rule id (HUB-001..HUB-006) "
        "is checked by "
        "`pytest --pyargs kaizen_conformance --kaizen-hub-profile=v1 --kaizen-hub-app=...`. "
        "Generated from the v2 document (openapi.json) by `kaizen-conformance openapi v1`."
    )
    operation = v1["paths"]["/repos/"]["get"]
    operation["summary"] = "List registered repos (HUB-001..HUB-006)"
    operation["parameters"] = [p for p in operation["parameters"] if p["name"] != FLAG]
    operation["description"] = operation["description"].replace(
        " Filters combine with AND (HUB-014).", ""
    )
    operation["responses"] = {"200": operation["responses"]["200"]}
    items = operation["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    items["$ref"] = "#/components/schemas/HubRecord"
    components = v1["components"]
    components["schemas"] = {"HubRecord": components["schemas"]["HubRecord"]}
    components.pop("responses", None)
    return v1


def text(profile: str) -> str:
    """The document as it is shipped: indented JSON with a final newline."""
    return json.dumps(document(profile), indent=2, ensure_ascii=False) + "\n"
