"""Recommendations kept as data: every type with a playbook has its own, the rest the
default; every file has recovery and resilience advice."""

from __future__ import annotations

from cyberfusion.domain.model import CrimeType
from cyberfusion.formats.playbooks import known_types
from cyberfusion.formats.recovery import recommendations


def test_every_playbook_type_has_its_own_recommendations() -> None:
    for name in known_types():
        found = recommendations(CrimeType(name))
        assert found.type == name and found.recovery and found.resilience


def test_other_types_get_the_default() -> None:
    found = recommendations(CrimeType.CSAM)
    assert found.type == "default" and found.recovery and found.resilience
    assert found.recovery != recommendations(CrimeType.RANSOMWARE).recovery
