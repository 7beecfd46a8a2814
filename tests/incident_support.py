"""Shared by the incident tests: a ransom note and a valid incident document."""

from __future__ import annotations

from typing import Any

NOTE = ("All your important files are encrypted! Any attempts to restore your files with the "
        "thrid-party software will be fatal for your files! To get the decryption key, "
        "contact us: lockbit_decrypt@onionmail.org")


def doc(**extra: Any) -> dict[str, Any]:
    """A FR ransomware incident (AMBER, FR only) with a note, extension, demand and wallet."""
    return {"title": "Ransomware at a port operator", "type": "ransomware", "country": "FR",
            "victim_sector": "transport", "victim_size": "large", "summary": "Cranes stopped.",
            "note_text": NOTE, "extension": ".lockbit", "ransom_amount": "1.5",
            "currency": "BTC", "wallet": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "infrastructure_countries": ["DE"],
            "handling": {"tlp": "amber", "release": ["country:FR"]}, **extra}
