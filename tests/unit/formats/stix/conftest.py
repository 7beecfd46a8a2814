"""Helpers for the STIX codec tests: decode documents and collect what comes out."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.imports import (
    Batch,
    ImportDefaults,
    ImportedCase,
    ImportedEntity,
    ImportIssue,
    KeptObject,
    Severity,
    SourceObject,
)
from cyberfusion.domain.model import Case
from cyberfusion.formats.stix import StixCodec

FIXTURES = Path(__file__).parents[3] / "fixtures" / "stix"
REVIEW_BY = date(2031, 1, 1)
TS = "2026-03-01T10:00:00.000Z"


def clear_defaults(org: str = "fr-cyber") -> ImportDefaults:
    """Defaults that never tighten the source's TLP (so the source's markings show)."""
    return ImportDefaults(org, REVIEW_BY, tlp=TLP.CLEAR)


@dataclass
class Decoded:
    """Everything one decode produced."""

    batches: list[Batch]
    objects: list[SourceObject] = field(default_factory=list)
    entities: list[ImportedEntity] = field(default_factory=list)
    cases: list[ImportedCase] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    def __post_init__(self) -> None:
        for batch in self.batches:
            self.objects += batch.objects
            self.entities += batch.entities
            self.cases += batch.cases
            self.issues += batch.issues

    def by_ref(self) -> dict[str, SourceObject]:
        return {o.ref: o for o in self.objects}

    def case(self, ref: str) -> ImportedCase:
        return next(c for c in self.cases if c.ref == ref)

    def severities(self, severity: Severity) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity is severity]

    def values(self, case: ImportedCase) -> set[tuple[str, str]]:
        return {(o.type, o.value) for o in case.draft.occurrences}


def decode_bytes(data: bytes, name: str = "t.json",
                 defaults: ImportDefaults | None = None) -> Decoded:
    """Decode a document given as bytes."""
    codec = StixCodec()
    return Decoded(list(codec.decode(io.BytesIO(data), name, defaults or clear_defaults())))


def decode_doc(doc: Any, name: str = "t.json",
               defaults: ImportDefaults | None = None) -> Decoded:
    """Decode a document given as JSON-able Python data."""
    return decode_bytes(orjson.dumps(doc), name, defaults)


def bundle(*objects: dict[str, Any]) -> dict[str, Any]:
    """A bundle (STIX 2.1 section 8) around `objects`."""
    return {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
            "objects": list(objects)}


def indicator(uid: str, pattern: str, **extra: Any) -> dict[str, Any]:
    """An indicator with a given UUID tail (e.g. '...0001') and pattern."""
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uid}",
            "created": TS, "modified": TS, "pattern": pattern, "pattern_type": "stix",
            "valid_from": TS, **extra}


def uid(n: int) -> str:
    """A valid UUID with `n` in its last group."""
    return f"00000000-0000-4000-8000-{n:012d}"


def cases_from(decoded: Decoded, owner: str = "fr-cyber") -> tuple[list[Case],
                                                                   dict[int, list[dict[str, Any]]]]:
    """Cases as the store would give them back, and the source objects linked to each."""
    bodies = {o.ref: o.body for o in decoded.objects}
    cases: list[Case] = []
    stored: dict[int, list[dict[str, Any]]] = {}
    created = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
    for number, imported in enumerate(decoded.cases, start=1):
        d = imported.draft
        cases.append(Case(number, owner, d.title, d.crime_type, d.summary, d.handling,
                          countries=d.countries, first_seen=d.first_seen,
                          last_seen=d.last_seen, victim_count=d.victim_count,
                          victim_sectors=d.victim_sectors, occurrences=d.occurrences,
                          created_at=created, updated_at=created))
        stored[number] = [bodies[m] for m in imported.members if m in bodies]
    return cases, stored


def knowledge_from(decoded: Decoded, owner: str = "fr-cyber") -> list[KeptObject]:
    """The decoded objects no case claims, as the store gives readable knowledge back."""
    claimed = {m for case in decoded.cases for m in case.members}
    return [KeptObject(owner, o.ref, o.type, (o.tlp or TLP.CLEAR).value, None, o.body)
            for o in decoded.objects if o.ref not in claimed]


def faithful(out: dict[str, Any], source: dict[str, Any]) -> bool:
    """True if `out` is `source` as STIX 2.1: what the upgrade adds, refs that could not
    resolve dropped, an observed-data's embedded objects lifted out; nothing else changed."""
    added = {"spec_version", "pattern_type", "is_family", "identity_class", "object_refs"}
    for key in set(out) | set(source):
        if out.get(key) == source.get(key):
            continue
        if key not in source and key in added:
            continue
        if key.endswith("_refs") and isinstance(out.get(key), list) and key in source \
                and set(out[key]) <= set(source[key]):
            continue
        if key == "body_multipart" and all(part in source[key] or "body_raw_ref" not in part
                                           for part in out.get(key, [])):
            continue
        if key not in out and (key.endswith(("_ref", "_refs")) or key == "objects"):
            continue
        if key == "object_refs" and source.get("type") == "observed-data":
            continue
        return False
    return True


class Kit:
    """The helpers above, handed to tests by the `stix` fixture."""

    fixtures = FIXTURES
    ts = TS
    review_by = REVIEW_BY
    decode = staticmethod(decode_doc)
    decode_bytes = staticmethod(decode_bytes)
    bundle = staticmethod(bundle)
    indicator = staticmethod(indicator)
    uid = staticmethod(uid)
    clear_defaults = staticmethod(clear_defaults)
    cases_from = staticmethod(cases_from)
    knowledge_from = staticmethod(knowledge_from)
    faithful = staticmethod(faithful)


@pytest.fixture
def stix() -> Kit:
    """STIX test helpers: decode, bundle, indicator, uid, defaults, cases as stored."""
    return Kit()
