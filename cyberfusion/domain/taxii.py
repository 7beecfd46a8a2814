"""TAXII 2.1 (docs.oasis-open.org/cti/taxii/v2.1/os) in our terms: collections as views over
the pool, the position an opaque `next` cursor stands for, and the object filters.

A collection is a view (`CaseFilter` fields: TLP, owner, owner's region) over what the
caller may read in full; the store applies the view and the access decision in SQL. The
pool is ordered by (date_added, kind, key), and one pooled row (a case, a kept object) may
stand for several STIX objects, so a position also says which of the row's objects is next.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

import orjson

from cyberfusion.domain.model import CaseFilter, Organisation, Region
from cyberfusion.errors import InvalidInput, Issue

MEDIA_TAXII = "application/taxii+json;version=2.1"
MEDIA_STIX = "application/stix+json;version=2.1"
API_ROOT = "pool"
#: Objects per page when the client names no `limit`, and the most one page holds.
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
#: date_added of the shared definitions (our identity, extension and TLP 2.0 definitions).
VOCABULARY_ADDED = datetime(2026, 1, 1, tzinfo=UTC)
_NAMESPACE = uuid.UUID("5a1f4d3e-9c1b-4e55-8a0e-7c2f3b8d6e10")
_VERSIONS = frozenset({"first", "last", "all"})
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")


class Kind(IntEnum):
    """What a pooled row is, in pool order at one date_added."""

    VOCABULARY = 0
    OWNER = 1
    CASE = 2
    KNOWLEDGE = 3


@dataclass(frozen=True, slots=True)
class Collection:
    """A TAXII collection (section 5.2.1): a view of the pool for one caller."""

    id: str
    alias: str
    title: str
    description: str
    scope: CaseFilter
    can_write: bool = False


def _ident(name: str) -> str:
    """A stable collection id (a UUID, as section 2.2 wants identifiers)."""
    return str(uuid.UUID(bytes=uuid.uuid5(_NAMESPACE, name).bytes, version=4))


def collections_for(org: Organisation, regions: list[Region]) -> list[Collection]:
    """The caller's collections: all it may read, the TLP:CLEAR feed, one per region with
    members, and its organisation's own data (the inbox where it adds objects)."""
    found = [
        Collection(_ident("all"), "all", "Everything you may read",
                   "Cases and knowledge your organisation may read in full.", CaseFilter()),
        Collection(_ident("clear"), "tlp-clear", "TLP:CLEAR feed",
                   "What may be published: TLP:CLEAR items you may read.",
                   CaseFilter(tlp="clear")),
    ]
    for region in sorted(regions):
        found.append(Collection(_ident(f"region:{region.value}"), f"region-{region.value}",
                                f"Region {region.value}",
                                f"What organisations of region {region.value} own and you "
                                "may read.", CaseFilter(owner_region=region.value)))
    found.append(Collection(_ident(f"inbox:{org.id}"), "inbox", f"{org.name}: own data",
                            "Your organisation's own data; objects added here are imported "
                            "with your default handling.", CaseFilter(owner_org_id=org.id),
                            can_write=True))
    return found


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """A place in the pool: the row (date_added, kind, key) and its next object's index."""

    added: datetime
    kind: Kind
    key: str
    ordinal: int = 0

    def encode(self) -> str:
        """The opaque `next` value (section 3.4): this position, not a server-side session."""
        raw = orjson.dumps([self.added.isoformat(), int(self.kind), self.key, self.ordinal])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def decode(text: str) -> Position:
        """Read a `next` value back; a located InvalidInput if it is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            added, kind, key, ordinal = orjson.loads(raw)
            moment = datetime.fromisoformat(added)
            if moment.tzinfo is None or not isinstance(key, str) or int(ordinal) < 0:
                raise ValueError("bad position")
            return Position(moment, Kind(int(kind)), key, int(ordinal))
        except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
            raise InvalidInput("not a next value this server gave",
                               [Issue("next", "pass the `next` of the previous page as is")]
                               ) from exc


START = Position(datetime.min.replace(tzinfo=UTC), Kind.VOCABULARY, "", 0)


@dataclass(frozen=True, slots=True)
class ObjectQuery:
    """The filters of a get-objects, manifest or versions request (section 3.5)."""

    added_after: datetime | None = None
    ids: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    versions: frozenset[str] = frozenset({"last"})
    spec_versions: frozenset[str] = frozenset({"2.1"})
    limit: int = DEFAULT_LIMIT
    after: Position = START

    def wants(self, obj: dict[str, Any], added: datetime) -> bool:
        """True if the object passes the id, type, version and spec_version filters."""
        if self.ids and obj.get("id") not in self.ids:
            return False
        if self.types and obj.get("type") not in self.types:
            return False
        if str(obj.get("spec_version") or "2.1") not in self.spec_versions:
            return False
        stamps = self.versions - _VERSIONS
        # One version of each object is kept (the newest `modified` wins when it lands),
        # so `first`, `last` and `all` all name it; timestamps must equal its version.
        return bool(self.versions & _VERSIONS) or version_of(obj, added) in stamps


def stamp(moment: datetime) -> str:
    """A TAXII timestamp (section 2.3): UTC, microseconds, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(text: str, location: str) -> datetime:
    """A TAXII/STIX timestamp; a located InvalidInput otherwise."""
    if not _STAMP.match(text):
        raise InvalidInput("not a timestamp", [Issue(location, "use YYYY-MM-DDTHH:MM:SS[.s]Z")])
    head, _, frac = text[:-1].partition(".")
    moment = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return moment.replace(microsecond=int((frac + "000000")[:6]))


def version_of(obj: dict[str, Any], added: datetime) -> str:
    """An object's version (section 3.5.3): `modified`, else `created`, else date_added."""
    found = obj.get("modified") or obj.get("created")
    return found if isinstance(found, str) else stamp(added)


def same_version(a: str, b: str) -> bool:
    """True if two timestamps name the same instant (precision may differ)."""
    try:
        return parse_stamp(a, "version") == parse_stamp(b, "version")
    except InvalidInput:
        return a == b


def object_query(params: list[tuple[str, str]], limit: str | None, after: str | None,
                 next_value: str | None) -> ObjectQuery:
    """Filters from query parameters (`match[x]=a,b`, repeated or comma-separated)."""
    wanted: dict[str, set[str]] = {}
    for name, value in params:
        found = re.fullmatch(r"match\[(id|type|version|spec_version)\]", name)
        if found:
            wanted.setdefault(found.group(1), set()).update(
                v.strip() for v in value.split(",") if v.strip())
    for stamp_text in wanted.get("version", set()) - _VERSIONS:
        parse_stamp(stamp_text, "match[version]")
    return ObjectQuery(
        added_after=parse_stamp(after, "added_after") if after else None,
        ids=frozenset(wanted.get("id", ())), types=frozenset(wanted.get("type", ())),
        versions=frozenset(wanted.get("version") or {"last"}),
        spec_versions=frozenset(wanted.get("spec_version") or {"2.1"}),
        limit=_limit(limit), after=Position.decode(next_value) if next_value else START)


def _limit(text: str | None) -> int:
    """The page size asked (section 3.4), at most MAX_LIMIT."""
    if text is None or text == "":
        return DEFAULT_LIMIT
    if not text.isdigit() or int(text) < 1:
        raise InvalidInput("bad limit", [Issue("limit", "a whole number of at least 1")])
    return min(int(text), MAX_LIMIT)


def status_id(job_id: int) -> str:
    """The id of the status resource of an add-objects request (section 4.3.1): a UUID that
    carries its import job's number."""
    return f"00000000-0000-4000-8000-{job_id:012x}"


def job_of_status(status: str) -> int | None:
    """The import job a status id stands for, or None."""
    found = re.fullmatch(r"00000000-0000-4000-8000-([0-9a-f]{12})", status)
    return int(found.group(1), 16) if found else None
