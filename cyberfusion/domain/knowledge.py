"""Knowledge: the named things intelligence is about (actors, families, techniques, sectors,
places) and the relationships between them and to cases. Pure data.

An entity row comes from one source (a STIX object, a MISP galaxy cluster, an analyst) and
carries that source's handling. Rows that name the same thing (the same ATT&CK id, or a name
or alias in common within one kind group) share a `canonical_id`: a reader sees one entity,
made only of the rows `decide()` gives them in full.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from enum import StrEnum

from cyberfusion.domain.handling import TLP, Handling


class EntityKind(StrEnum):
    """Kinds of named things (STIX domain object types; `ransomware` is a malware family)."""

    THREAT_ACTOR = "threat-actor"
    INTRUSION_SET = "intrusion-set"
    MALWARE = "malware"
    RANSOMWARE = "ransomware"
    TOOL = "tool"
    CAMPAIGN = "campaign"
    ATTACK_PATTERN = "attack-pattern"
    VULNERABILITY = "vulnerability"
    IDENTITY = "identity"
    LOCATION = "location"
    COURSE_OF_ACTION = "course-of-action"
    INFRASTRUCTURE = "infrastructure"

    @property
    def stix_type(self) -> str:
        """The STIX 2.1 object type that carries this kind."""
        return "malware" if self is EntityKind.RANSOMWARE else self.value


#: Kinds whose rows may name the same thing (an intrusion set is often a threat actor's
#: name in another source; a ransomware family is malware): merging looks within a group.
MERGE_GROUPS: dict[EntityKind, str] = {
    EntityKind.THREAT_ACTOR: "actor", EntityKind.INTRUSION_SET: "actor",
    EntityKind.MALWARE: "software", EntityKind.RANSOMWARE: "software",
    EntityKind.TOOL: "software",
}  # fmt: skip


def merge_group(kind: EntityKind) -> str:
    """The group a kind merges within (its own value when it merges only with itself)."""
    return MERGE_GROUPS.get(kind, kind.value)


class RelationshipType(StrEnum):
    """STIX relationship types analysts use; others are kept as `related-to`'s text."""

    USES = "uses"
    TARGETS = "targets"
    ATTRIBUTED_TO = "attributed-to"
    INDICATES = "indicates"
    LOCATED_AT = "located-at"
    MITIGATES = "mitigates"
    VARIANT_OF = "variant-of"
    AUTHORED_BY = "authored-by"
    ORIGINATES_FROM = "originates-from"
    EXPLOITS = "exploits"
    COMMUNICATES_WITH = "communicates-with"
    DELIVERS = "delivers"
    HOSTS = "hosts"
    SUBTECHNIQUE_OF = "subtechnique-of"
    RELATED_TO = "related-to"


@dataclass(frozen=True, slots=True)
class ExternalRef:
    """A STIX external reference: an ATT&CK id, a CVE, a URL."""

    source_name: str
    external_id: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityFacts:
    """What a source says about a named thing besides its kind and name: the fields an
    imported entity (`ImportedEntity`) and a stored row (`Entity`) share, declared once."""

    aliases: tuple[str, ...] = ()
    description: str = ""
    external_id: str = ""
    external_refs: tuple[ExternalRef, ...] = ()
    is_family: bool = False
    identity_class: str = ""
    sectors: tuple[str, ...] = ()
    country: str = ""
    region: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    source: str = "import"
    modified: datetime | None = None
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class Entity(EntityFacts):
    """One source's row about a named thing, under that source's handling."""

    id: int
    canonical_id: int
    kind: EntityKind
    name: str
    owner_org_id: str
    handling_id: int
    handling: Handling
    _: KW_ONLY
    stix_id: str = ""
    #: The row's key, `<owner>|<ref in its source>` (generated STIX ids derive from it).
    ref: str = ""


class EndKind(StrEnum):
    """What one end of a relationship is."""

    ENTITY = "entity"
    CASE = "case"


@dataclass(frozen=True, slots=True)
class End:
    """One end of a relationship: an entity (by canonical id) or a case."""

    kind: EndKind
    id: int
    stix_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RelationshipFacts:
    """What a source says about a link besides its type and ends: the fields an imported,
    a stored and a to-be-written relationship share, declared once."""

    description: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class Relationship(RelationshipFacts):
    """A typed link between two ends, under its source's handling."""

    id: int
    type: str
    source: End
    target: End
    owner_org_id: str
    handling_id: int
    handling: Handling
    stix_id: str = ""
    _: KW_ONLY
    #: The row's key (`<owner>|<STIX id>` or `<owner>|link:…`) and when it was created.
    ref: str = ""
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class EntityFilter:
    """Which entities a list asks for; every field optional (the store makes it SQL)."""

    text: str = ""
    kind: EntityKind | None = None
    country: str = ""
    sector: str = ""


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """What a reader sees of one entity in a list: its readable rows folded into one."""

    id: int
    kind: EntityKind
    name: str
    aliases: tuple[str, ...]
    external_id: str
    tlp: TLP
    description: str = ""
    is_family: bool = False
    sources: int = 1


@dataclass(frozen=True, slots=True)
class LinkedCase:
    """A case linked to an entity that the reader may read in full."""

    case_id: int
    title: str
    owner_org_id: str
    crime_type: str
    countries: tuple[str, ...]
    tlp: TLP
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RelationshipView:
    """A readable relationship seen from one entity: direction, type, the other end."""

    id: int
    type: str
    outgoing: bool
    other: End
    other_name: str
    other_kind: str
    tlp: TLP
    description: str = ""


@dataclass(frozen=True, slots=True)
class EntityDetail:
    """An entity page: the folded entity, its readable relationships and linked cases.

    `withheld` counts relationships and linked cases that exist but that handling hides
    from the reader (a number only, never what they say). Rows of a group may come from
    several organisations; only the reader's own one is theirs to edit.
    """

    entity: EntitySummary
    external_refs: tuple[ExternalRef, ...]
    relationships: tuple[RelationshipView, ...]
    cases: tuple[LinkedCase, ...]
    cases_total: int
    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    first_seen: datetime | None
    last_seen: datetime | None
    withheld: int
    stix_ids: tuple[str, ...] = ()
    #: The reader's organisation's own row of the group (the one its edits change), if any.
    own_row: Entity | None = None
    #: True when the reader may edit and merge it: an own row and the ENTITY_EDIT permission.
    editable: bool = False


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A node of the small relationship graph around an entity."""

    key: str
    label: str
    kind: str


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """An edge of the small relationship graph."""

    source: str
    target: str
    type: str


@dataclass(frozen=True, slots=True)
class EntityGraph:
    """The readable neighbourhood of one entity (one or two hops, capped)."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    truncated: bool = False
