"""Recovery and resilience recommendations kept as data: one JSON file per incident type
(`default.json` for the rest), read once by `recommendations()` for post-incident reports."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cyberfusion.domain.model import CrimeType


@dataclass(frozen=True, slots=True)
class Recommendations:
    """What to do to recover from an incident of a type, and to resist the next one."""

    type: str
    title: str
    recovery: tuple[str, ...]
    resilience: tuple[str, ...]


@cache
def recommendations(incident_type: CrimeType) -> Recommendations:
    """The recommendations for an incident type, or the default ones."""
    folder = resources.files(__package__)
    found = folder.joinpath(f"{incident_type.value}.json")
    data = json.loads((found if found.is_file() else folder.joinpath("default.json")
                       ).read_text(encoding="utf-8"))
    return Recommendations(str(data["type"]), str(data["title"]),
                           tuple(str(s) for s in data["recovery"]),
                           tuple(str(s) for s in data["resilience"]))
