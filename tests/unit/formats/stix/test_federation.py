"""Handling checked when STIX objects cross instances: TLP:RED never, and what the stated
handling does not release to the receiver is refused on arrival."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.model import Organisation, OrgKind, Region
from cyberfusion.formats.stix.extension import EXTENSION_ID, handling_extension
from cyberfusion.formats.stix.federation import is_red, refusal
from cyberfusion.formats.stix.markings import TLP2_IDS

NOW = datetime(2026, 6, 1, tzinfo=UTC)
FR = Organisation("fr-cyber", "FR", OrgKind.UNIT, "FR", Region.EUROPE, "fr-ncb")
PARTNER = Organisation("acme", "Acme", OrgKind.PARTNER)


def marked(tlp: TLP, **fields: Any) -> dict[str, Any]:
    """An indicator carrying our extension for this handling."""
    handling = Handling(tlp, frozenset(fields.pop("release", {"members"})), date(2027, 1, 1),
                        **fields)
    return {"type": "indicator", "id": "indicator--1", "object_marking_refs":
            [TLP2_IDS[tlp]], "extensions": {EXTENSION_ID: handling_extension(handling)}}


def test_red_never_crosses_by_extension_or_marking() -> None:
    assert is_red(marked(TLP.RED), NOW.date())
    assert is_red({"type": "indicator", "object_marking_refs": [TLP2_IDS[TLP.RED]]},
                  NOW.date())
    assert refusal(marked(TLP.RED, release={"org:fr-cyber"}), FR, NOW) == \
        "TLP:RED is never federated"


def test_stated_handling_is_enforced_on_arrival() -> None:
    assert refusal(marked(TLP.GREEN), FR, NOW) == ""
    assert "does not release" in refusal(
        marked(TLP.AMBER, exclude=frozenset({"country:FR"})), FR, NOW)
    assert "does not release" in refusal(
        marked(TLP.AMBER, release={"country:DE"}), FR, NOW)
    assert "does not release" in refusal(
        marked(TLP.GREEN, partners=frozenset({"acme"}), personal_data=True), PARTNER, NOW)
    assert refusal({"type": "indicator", "id": "indicator--2"}, FR, NOW) == ""
