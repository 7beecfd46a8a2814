"""What importers hand to the imports service: cases, entities and source objects, plus issues.

Codecs (in `formats/`) turn bytes into these; `services.imports` lands them. Pure data.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from cyberfusion.domain.handling import TLP, Handling, HitPolicy, Purpose
from cyberfusion.domain.knowledge import EntityFacts, EntityKind, RelationshipFacts
from cyberfusion.domain.model import CaseDraft


class Severity(StrEnum):
    """How bad an import issue is: errors reject the object, warnings keep it."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """A located problem in an input: `file.json:objects[3].pattern`, `file.csv:line 12`."""

    severity: Severity
    location: str
    message: str


@dataclass(frozen=True, slots=True)
class SourceObject:
    """An object kept exactly as given (a STIX object, custom properties and all)."""

    ref: str
    type: str
    modified: datetime | None
    revoked: bool
    body: dict[str, Any]
    tlp: TLP | None = None


@dataclass(frozen=True, slots=True)
class KeptObject:
    """A kept object as exports read it back: owner (for the audit trail), ref, type, the
    TLP of its handling, its case (if any) and its body."""

    owner_org_id: str
    ref: str
    type: str
    tlp: str
    case_id: int | None
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ImportedCase:
    """A case to land: `ref` is its stable id in the source, used to update it later."""

    ref: str
    modified: datetime | None
    revoked: bool
    draft: CaseDraft
    members: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedEntity(EntityFacts):
    """Reference or member data about a named thing (actor, family, tool, technique)."""

    ref: str
    kind: EntityKind
    name: str
    _: KW_ONLY
    #: The source's own TLP marking, if any.
    tlp: TLP | None = None
    #: Public reference data (ATT&CK, MISP galaxies): TLP:CLEAR unless marked stricter.
    reference: bool = False
    #: Where it is in the input, for located issues.
    location: str = ""


@dataclass(frozen=True, slots=True)
class ImportedRelationship(RelationshipFacts):
    """A typed link between two source objects, by their refs (a STIX relationship)."""

    ref: str
    type: str
    source_ref: str
    target_ref: str
    _: KW_ONLY
    revoked: bool = False
    tlp: TLP | None = None
    reference: bool = False
    location: str = ""


@dataclass
class Batch:
    """One chunk of decoded input; the imports service lands each in whole transactions."""

    cases: list[ImportedCase] = field(default_factory=list)
    entities: list[ImportedEntity] = field(default_factory=list)
    objects: list[SourceObject] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    bytes_read: int = 0
    relationships: list[ImportedRelationship] = field(default_factory=list)
    #: The fault that stopped the reading (truncation, bad bytes): nothing after it was read.
    fault: ImportIssue | None = None

    def __len__(self) -> int:
        return (len(self.cases) + len(self.entities) + len(self.objects)
                + len(self.relationships))


@dataclass(frozen=True, slots=True)
class ImportDefaults:
    """What the importer states for data whose source says less; never widens the source.

    `tlp` is the TLP of data whose source states none; `tlp_floor`, if set, raises anything
    below it (whatever the source says).
    """

    importer_org_id: str
    review_by: date
    tlp: TLP = TLP.AMBER
    tlp_floor: TLP | None = None
    release: frozenset[str] = frozenset({"members"})
    partners: frozenset[str] = frozenset()
    hit_policy: HitPolicy = HitPolicy.HIT
    purpose: Purpose = Purpose.INVESTIGATION
    personal_data: bool = False


def without_values(batch: Batch, keys: frozenset[str]) -> Batch:
    """The batch with the observables keyed `keys` left out of its cases (values the analyst
    dropped as false positives at the review step); the rest of each case lands as read."""
    if not keys:
        return batch
    batch.cases = [replace(c, draft=replace(c.draft, occurrences=tuple(
        o for o in c.draft.occurrences if o.key not in keys))) for c in batch.cases]
    return batch


_TLP_ORDER = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]


def stricter(a: TLP, b: TLP) -> TLP:
    """The more restrictive of two TLP labels."""
    return a if _TLP_ORDER.index(a) >= _TLP_ORDER.index(b) else b


def handling_for(
    defaults: ImportDefaults, source_tlp: TLP | None, own_org_only: bool = False
) -> Handling:
    """The handling of imported data: the importer's defaults, never more open than the source.

    The TLP is the source's marking, or the default when it has none, raised to the floor if
    one is set; `own_org_only` (MISP "your organisation only", an unmapped sharing group)
    narrows release to the importer.
    """
    tlp = source_tlp or defaults.tlp
    if defaults.tlp_floor is not None:
        tlp = stricter(tlp, defaults.tlp_floor)
    release = defaults.release
    if own_org_only:
        release = frozenset({f"org:{defaults.importer_org_id}"})
        tlp = stricter(tlp, TLP.AMBER_STRICT)
    return Handling(
        tlp=tlp, release=release, review_by=defaults.review_by,
        partners=frozenset() if defaults.personal_data or own_org_only else defaults.partners,
        hit_policy=defaults.hit_policy, purpose=defaults.purpose,
        personal_data=defaults.personal_data,
    )


def floored(handling: Handling, defaults: ImportDefaults) -> Handling:
    """A source's own handling record raised to the importer's TLP floor, if one is set."""
    if defaults.tlp_floor is None or stricter(handling.tlp, defaults.tlp_floor) is handling.tlp:
        return handling
    return replace(handling, tlp=defaults.tlp_floor)


def reference_handling(defaults: ImportDefaults, source_tlp: TLP | None) -> Handling:
    """Public reference data (ATT&CK, galaxies): TLP:CLEAR and visible, unless marked stricter."""
    tlp = source_tlp or TLP.CLEAR
    return Handling(tlp=tlp, release=defaults.release, review_by=defaults.review_by,
                    partners=defaults.partners, hit_policy=HitPolicy.VISIBLE,
                    purpose=Purpose.ANALYSIS)


@dataclass(frozen=True, slots=True)
class ImportJob:
    """An import's state as services and adapters see it."""

    id: int
    owner_org_id: str
    user_id: int | None
    status: str
    codec: str
    filename: str
    path: str
    sha256: str
    size_bytes: int
    bytes_done: int
    defaults: dict[str, Any]
    counts: dict[str, int]
    issue_count: int
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    lease_holder: str = ""
    lease_until: datetime | None = None
    attempts: int = 0
    checkpoint: Checkpoint | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """How far a job had landed when its last whole batch committed: resuming skips `batches`
    if the file still starts with the `bytes` whose digest is `sha256`."""

    batches: int
    bytes: int
    sha256: str
    counts: dict[str, int]
    issue_count: int
    issue_id: int
