"""Our handling record as a STIX 2.1 property extension, out and back in.

An extension-definition object (STIX 2.1 section 7.3, docs.oasis-open.org/cti/stix/v2.1/os)
names the extension; objects carry it under `extensions[<its id>]` with `extension_type`
`property-extension`. On import the source's record is combined with the importer's
defaults so that the stricter side wins on every field (see `combine`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from cyberfusion.domain.handling import (
    TLP,
    Handling,
    HitPolicy,
    Purpose,
)
from cyberfusion.domain.imports import stricter
from cyberfusion.formats.handling_json import read_handling

#: Fixed id of the "cyberfusion handling" extension definition.
EXTENSION_ID = "extension-definition--be64adbb-edff-474e-a7cc-d9a94a8c8575"
#: The identity that created the extension definition (the cyberfusion project).
PROJECT_IDENTITY_ID = "identity--a725d18f-8248-4e03-a81f-086549cbfd66"
#: Namespace of the deterministic (UUIDv5) ids of generated objects.
ID_NAMESPACE = uuid.UUID("170c5962-2fed-44f3-a226-35cbb5fbbf47")
_DEFINED = "2026-01-01T00:00:00.000Z"
_ORG = r"^[a-z0-9][a-z0-9._-]{0,63}$"

#: JSON Schema (draft 2020-12) of the extension's content; embedded in the definition.
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "cyberfusion handling",
    "type": "object",
    "required": ["extension_type", "tlp", "release"],
    "additionalProperties": False,
    "properties": {
        "extension_type": {"const": "property-extension"},
        "tlp": {"enum": [t.value for t in TLP]},
        "release": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "exclude": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "partners": {"type": "array", "items": {"type": "string", "pattern": _ORG},
                     "minItems": 1},
        "hit_policy": {"enum": [h.value for h in HitPolicy]},
        "purpose": {"enum": [p.value for p in Purpose]},
        "review_by": {"type": "string", "format": "date"},
        "grading": {"type": "string", "pattern": "^[A-F][1-6]$"},
        "personal_data": {"type": "boolean"},
    },
}

_PROSE = (
    "Handling rules the owner set for this object (cyberfusion). tlp: TLP 2.0 label. "
    "release: who may read (members, region:<R>, country:<CC>, org:<id>). exclude: "
    "country:<CC> or org:<id> that may never read. partners: partner organisation ids "
    "allowed to read. hit_policy: what a non-reader learns on a match (visible, hit, "
    "silent). purpose: investigation, prevention, analysis or operation. review_by: date "
    "by which the owner must confirm the need. grading: Admiralty code (A-F, 1-6). "
    "personal_data: names or identifies people. Absent lists are empty. JSON Schema: "
)


def extension_definition() -> dict[str, Any]:
    """The extension-definition object (section 7.3) with the schema embedded as text."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION_ID,
        "created_by_ref": PROJECT_IDENTITY_ID,
        "created": _DEFINED,
        "modified": _DEFINED,
        "name": "cyberfusion handling",
        "description": "Handling record of cyberfusion: release, exclusions, partners, hit "
                       "policy, purpose, review date, grading and personal data.",
        "schema": _PROSE + orjson.dumps(SCHEMA, option=orjson.OPT_SORT_KEYS).decode(),
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    }


def project_identity() -> dict[str, Any]:
    """The identity that created the extension definition (section 4.5)."""
    return {
        "type": "identity", "spec_version": "2.1", "id": PROJECT_IDENTITY_ID,
        "created": _DEFINED, "modified": _DEFINED, "name": "cyberfusion",
        "description": "The cyberfusion project, author of the cyberfusion extensions.",
        "identity_class": "system",
    }


def handling_extension(h: Handling) -> dict[str, Any]:
    """The extension's content for a handling record (empty lists are left out, section 3)."""
    content: dict[str, Any] = {
        "extension_type": "property-extension", "tlp": h.tlp.value,
        "release": sorted(h.release), "exclude": sorted(h.exclude),
        "partners": sorted(h.partners), "hit_policy": h.hit_policy.value,
        "purpose": h.purpose.value, "review_by": h.review_by.isoformat(),
        "grading": h.grading, "personal_data": h.personal_data,
    }
    return {key: value for key, value in content.items() if value != [] and value != ""}


@dataclass(frozen=True, slots=True)
class SourceHandling:
    """The handling a source object states in our extension (every field optional)."""

    tlp: TLP | None = None
    release: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()
    hit_policy: HitPolicy | None = None
    purpose: Purpose | None = None
    review_by: date | None = None
    grading: str = ""
    personal_data: bool = False


def read_extension(data: object, prefix: str = "") -> tuple[SourceHandling | None, list[str]]:
    """Parse the extension's content; problems (`path: reason`) make the caller fail closed.

    `prefix` is where the content sits in the caller's document; the fields are read by
    `handling_json.read_handling`, like case and channel JSON.
    """
    if not isinstance(data, dict):  # null too: a stated extension that says nothing fails
        return None, [f"{prefix or '$'}: must be an object"]
    fields, issues = read_handling(data, prefix)
    problems = [f"{issue.location}: {issue.message}" for issue in issues]
    if fields is None:
        return None, problems
    return SourceHandling(
        tlp=fields.tlp, release=frozenset(fields.release or ()),
        exclude=frozenset(fields.exclude or ()), partners=frozenset(fields.partners or ()),
        hit_policy=fields.hit_policy, purpose=fields.purpose, review_by=fields.review_by,
        grading=fields.grading, personal_data=fields.personal_data is True,
    ), problems


_HIT_ORDER = [HitPolicy.VISIBLE, HitPolicy.HIT, HitPolicy.SILENT]


def combine(h: Handling, s: SourceHandling, importer_org_id: str) -> Handling:
    """The stricter of our handling and the source's on every field (section 7.3 extension)."""
    # TLP, hit policy: the stricter; release: the narrower (an unrelated pair narrows to the
    # importer); exclude: both; partners: those both allow (absent: none); review: the
    # earlier; personal data: if either says so. Purpose and grading: the source's, if stated.
    personal = h.personal_data or s.personal_data
    partners = h.partners & s.partners
    hit = h.hit_policy
    if s.hit_policy is not None and _HIT_ORDER.index(s.hit_policy) > _HIT_ORDER.index(hit):
        hit = s.hit_policy
    grading = s.grading or h.grading
    return Handling(
        tlp=stricter(h.tlp, s.tlp) if s.tlp else h.tlp,
        release=narrower(h.release, s.release, importer_org_id),
        review_by=min(h.review_by, s.review_by) if s.review_by else h.review_by,
        exclude=h.exclude | s.exclude,
        partners=frozenset() if personal else partners,
        hit_policy=hit, purpose=s.purpose or h.purpose,
        reliability=grading[0] if grading else None,
        credibility=int(grading[1]) if grading else None,
        personal_data=personal,
    )


def narrower(ours: frozenset[str], theirs: frozenset[str], importer_org_id: str) -> frozenset[str]:
    """The narrower release: `members` yields to the other; else what both name, else us."""
    if not theirs or theirs == ours or theirs == {"members"}:
        return ours
    if ours == {"members"}:
        return theirs
    both = ours & theirs
    return both or frozenset({f"org:{importer_org_id}"})


def fail_closed(h: Handling, importer_org_id: str) -> Handling:
    """A record narrowed to the importer alone, for sources whose handling we cannot read."""
    return Handling(
        tlp=stricter(h.tlp, TLP.AMBER_STRICT), release=frozenset({f"org:{importer_org_id}"}),
        review_by=h.review_by, exclude=h.exclude, partners=frozenset(),
        hit_policy=HitPolicy.SILENT if h.hit_policy is HitPolicy.SILENT else HitPolicy.HIT,
        purpose=h.purpose, reliability=h.reliability, credibility=h.credibility,
        personal_data=h.personal_data,
    )
