"""TLP data markings in STIX 2.1: the fixed marking-definition ids and how objects carry them.

TLP 1.0 ids are the four predefined in STIX 2.1 section 7.2.1.4
(docs.oasis-open.org/cti/stix/v2.1/os); TLP 2.0 ids are those of the OASIS common-objects
extension `extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d`. TLP 1.0 WHITE reads
as TLP 2.0 CLEAR. A known wrong AMBER+STRICT id seen in public code is never taken as TLP.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.imports import stricter

#: The TLP 2.0 marking-definition extension (OASIS cti-stix-common-objects).
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

#: TLP 2.0 marking definitions, by label (all share `created` 2022-10-01).
TLP2_IDS: dict[TLP, str] = {
    TLP.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    TLP.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    TLP.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    TLP.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    TLP.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

#: TLP 1.0 marking definitions predefined by STIX 2.1 section 7.2.1.4 (`created` 2017-01-20).
TLP1_IDS: dict[str, str] = {
    "white": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "green": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "amber": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "red": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}

_TLP1_LABELS = {"white": TLP.CLEAR, "green": TLP.GREEN, "amber": TLP.AMBER, "red": TLP.RED}

#: Every id that means a TLP label, TLP 1.0 and 2.0.
TLP_BY_ID: dict[str, TLP] = {
    **{ident: tlp for tlp, ident in TLP2_IDS.items()},
    **{ident: _TLP1_LABELS[label] for label, ident in TLP1_IDS.items()},
}

#: Prefix of a wrong AMBER+STRICT id (`…-a254-…`) found in public code; it is no TLP id.
BOGUS_AMBER_STRICT_PREFIX = "marking-definition--939a9414-2ddd-4d32-a254-"

_TLP2_CREATED = "2022-10-01T00:00:00.000Z"


def is_bogus_tlp_id(ref: str) -> bool:
    """True for the known wrong AMBER+STRICT id family (`939a9414-2ddd-4d32-a254-…`)."""
    return ref.startswith(BOGUS_AMBER_STRICT_PREFIX)


def tlp2_marking_definition(tlp: TLP) -> dict[str, Any]:
    """The TLP 2.0 marking-definition object exactly as the OASIS extension defines it."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_IDS[tlp],
        "created": _TLP2_CREATED,
        "name": tlp.label,
        "extensions": {
            TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp.value}
        },
    }


def tlp1_marking_definition(label: str) -> dict[str, Any]:
    """A TLP 1.0 marking definition exactly as STIX 2.1 section 7.2.1.4 predefines it."""
    return {
        "type": "marking-definition", "spec_version": "2.1", "id": TLP1_IDS[label],
        "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp",
        "name": f"TLP:{label.upper()}", "definition": {"tlp": label},
    }


def standard_marking(ident: str) -> dict[str, Any] | None:
    """The predefined TLP 1.0 or 2.0 marking definition with this id, if it is one."""
    for label, known in TLP1_IDS.items():
        if known == ident:
            return tlp1_marking_definition(label)
    for tlp, known in TLP2_IDS.items():
        if known == ident:
            return tlp2_marking_definition(tlp)
    return None


def tlp_of_definition(obj: dict[str, Any]) -> TLP | None:
    """The TLP a marking-definition object states (STIX 2.1 section 7.2.1), if any."""
    ident = obj.get("id")
    if isinstance(ident, str) and ident in TLP_BY_ID:
        return TLP_BY_ID[ident]
    ext = obj.get("extensions")
    if isinstance(ext, dict):
        tlp2 = ext.get(TLP2_EXTENSION)
        if isinstance(tlp2, dict):
            return _label(tlp2.get("tlp_2_0"))
    definition = obj.get("definition")
    if obj.get("definition_type") == "tlp" and isinstance(definition, dict):
        return _label(definition.get("tlp"))
    return None


def _label(value: object) -> TLP | None:
    """A TLP label written as in TLP 1.0 or 2.0 (`white`, `amber+strict`), else None."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower().removeprefix("tlp:")
    if text in _TLP1_LABELS:
        return _TLP1_LABELS[text]
    try:
        return TLP(text)
    except ValueError:
        return None


def marking_refs(obj: dict[str, Any]) -> list[str]:
    """Every marking id on an object: object markings and granular markings (section 7.2)."""
    listed = obj.get("object_marking_refs")
    refs = [r for r in listed if isinstance(r, str)] if isinstance(listed, list) else []
    granular = obj.get("granular_markings")
    if isinstance(granular, list):
        for item in granular:
            if isinstance(item, dict) and isinstance(item.get("marking_ref"), str):
                refs.append(item["marking_ref"])
    return refs


class MarkingIndex:
    """Maps marking ids to TLP: the fixed ids plus TLP definitions met in the input."""

    def __init__(self) -> None:
        self.learned: dict[str, TLP] = {}

    def learn(self, obj: dict[str, Any]) -> TLP | None:
        """Remember the TLP of a marking-definition object with a non-standard id."""
        ident = obj.get("id")
        if not isinstance(ident, str) or is_bogus_tlp_id(ident):
            return None
        tlp = tlp_of_definition(obj)
        if tlp is not None and ident not in TLP_BY_ID:
            self.learned[ident] = tlp
        return tlp

    def strictest(self, refs: Iterable[str]) -> tuple[TLP | None, bool]:
        """The strictest TLP among `refs`, and whether a bogus TLP id was among them."""
        # A bogus id is no TLP marking, but its producer meant AMBER+STRICT: the caller
        # reports it and handles the object as AMBER+STRICT (fail closed).
        found: TLP | None = None
        bogus = False
        for ref in refs:
            tlp = TLP_BY_ID.get(ref) or self.learned.get(ref)
            if tlp is None and is_bogus_tlp_id(ref):
                bogus, tlp = True, TLP.AMBER_STRICT
            if tlp is not None:
                found = tlp if found is None else stricter(found, tlp)
        return found, bogus

    def unknown(self, refs: Iterable[str]) -> list[str]:
        """Refs not known (yet) as TLP or as the bogus id: resolved again at the end."""
        return [r for r in refs if r not in TLP_BY_ID and not is_bogus_tlp_id(r)]


def strictest_of(labels: Iterable[TLP | None]) -> TLP | None:
    """The strictest of some labels, ignoring None; None when there is none."""
    found: TLP | None = None
    for tlp in labels:
        if tlp is not None:
            found = tlp if found is None else stricter(found, tlp)
    return found
