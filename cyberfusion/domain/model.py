"""The domain vocabulary: organisations, users, cases, occurrences, entities, grants."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from cyberfusion.domain.handling import Handling

# The largest whole number a stored column holds (signed 64 bits): ids, offsets, counts.
MAX_INTEGER = 2**63 - 1

class OrgKind(StrEnum):
    """What an organisation is in the fusion network (DESIGN.md, "Who uses it")."""

    HUB = "hub"
    NCB = "ncb"
    UNIT = "unit"
    PARTNER = "partner"
    AGENCY = "agency"


class Region(StrEnum):
    """The five regions used for `region:` release tokens."""

    AFRICA = "africa"
    AMERICAS = "americas"
    ASIA = "asia"
    EUROPE = "europe"
    MENA = "mena"


class Role(StrEnum):
    """What a user may do inside their organisation."""

    ADMIN = "admin"
    ANALYST = "analyst"
    DUTY_OFFICER = "duty_officer"
    AUDITOR = "auditor"
    READER = "reader"


class CrimeType(StrEnum):
    """Crime types a case is filed under."""

    RANSOMWARE = "ransomware"
    BEC = "bec"
    PHISHING = "phishing"
    MALWARE = "malware"
    FRAUD = "online_fraud"
    DDOS = "ddos"
    INTRUSION = "intrusion"
    CSAM = "csam"
    SEXTORTION = "sextortion"
    CRYPTO_FRAUD = "crypto_fraud"
    DATA_THEFT = "data_theft"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Organisation:
    """A member of the network; `parent_id` links a unit to its country's NCB.

    `contacts_open_to_partners`: its admins let partners read its 24/7 contacts and rota.
    """

    id: str
    name: str
    kind: OrgKind
    country: str | None = None
    region: Region | None = None
    parent_id: str | None = None
    timezone: str = "UTC"
    contacts_open_to_partners: bool = False

    @property
    def is_partner(self) -> bool:
        """Private-sector partners are never `members`."""
        return self.kind is OrgKind.PARTNER


#: The shortest password a user may set (OWASP ASVS 4.0.3, 2.1.1: at least 12 characters).
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True, slots=True)
class User:
    """A person who logs in; belongs to exactly one organisation."""

    id: int
    username: str
    org_id: str
    roles: frozenset[Role]
    display_name: str = ""
    active: bool = True
    totp_enabled: bool = False
    language: str = ""  # the pages' language the person chose; "" = the browser's

    def has(self, *roles: Role) -> bool:
        """True if the user holds any of `roles`."""
        return bool(self.roles.intersection(roles))


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: the user (if any) and the organisation whose access applies."""

    org: Organisation
    user: User | None = None
    scopes: frozenset[str] = frozenset({"read", "write"})

    @property
    def org_id(self) -> str:
        """The organisation the access decision is made for."""
        return self.org.id


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One observable value seen in one case, with its role there."""

    type: str
    value: str
    key: str
    role: str = ""
    comment: str = ""
    warninglists: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseFacts:
    """What a case says besides its title, type, summary and handling: the fields a draft
    (`CaseDraft`) and a stored case (`Case`) share, declared once."""

    countries: tuple[str, ...] = ()
    first_seen: date | None = None
    last_seen: date | None = None
    victim_count: int = 0
    victim_sectors: tuple[str, ...] = ()
    occurrences: tuple[Occurrence, ...] = ()


@dataclass(frozen=True, slots=True)
class Case(CaseFacts):
    """One submission of intelligence about a cybercrime (maps to a STIX report)."""

    id: int
    owner_org_id: str
    title: str
    crime_type: CrimeType
    summary: str
    handling: Handling
    _: KW_ONLY
    version: int = 1
    revoked: bool = False
    handling_id: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created_by: int | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CaseVersion:
    """An earlier version of a case as it was stored: its number, its own handling (which
    governs who may read it, with the current one) and its content as a JSON-ready record."""

    version: int
    handling: Handling
    record: dict[str, Any]
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CaseDraft(CaseFacts):
    """What a submitter sends to create or update a case, before it has an id."""

    title: str
    crime_type: CrimeType
    summary: str
    handling: Handling


@dataclass(frozen=True, slots=True)
class DisclosureGrant:
    """An owner's grant of one item to one organisation, after a hit; revocable, expiring."""

    id: int
    handling_id: int
    org_id: str
    granted_by_org_id: str
    reason: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        """True while not revoked and not expired."""
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """Which cases a list or an export asks for; every field optional (the store makes it SQL)."""

    text: str = ""
    crime_type: str = ""
    country: str = ""
    owner_org_id: str = ""
    owner_region: str = ""
    tlp: str = ""
    include_revoked: bool = False
    created_since: datetime | None = None
    #: Only what may be federated: never TLP:RED (pushes to other instances).
    federable: bool = False
    #: Only these cases (a MISP feed event's parts); empty: no narrowing by id.
    case_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredToken:
    """An API token's metadata (the secret itself is never stored)."""

    id: int
    user_id: int
    name: str
    prefix: str
    scopes: frozenset[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
