"""Incident playbooks kept as data: one JSON file per incident type (`default.json` for the
rest); `playbook()` reads the one for a type (read once)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cyberfusion.domain.model import CrimeType


@dataclass(frozen=True, slots=True)
class Playbook:
    """A playbook: the type it is for, its title and its steps in order."""

    type: str
    title: str
    steps: tuple[str, ...]


@cache
def playbook(incident_type: CrimeType) -> Playbook:
    """The playbook of an incident type, or the default one."""
    folder = resources.files(__package__)
    found = folder.joinpath(f"{incident_type.value}.json")
    data = json.loads((found if found.is_file() else folder.joinpath("default.json")).read_text(
        encoding="utf-8"))
    return Playbook(str(data["type"]), str(data["title"]),
                    tuple(str(s) for s in data["steps"]))


def known_types() -> list[str]:
    """The incident types with a playbook of their own."""
    return sorted(p.name.removesuffix(".json") for p in resources.files(__package__).iterdir()
                  if p.name.endswith(".json") and p.name != "default.json")
