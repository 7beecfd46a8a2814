"""The MISP JSON exporter: one case -> `{"Event": …}`, several -> `{"response": [...]}`.

A case imported from MISP keeps its event as a `misp-event` source object; that event is
exported as imported (round trip), except that its distribution and `tlp:` tags are
narrowed to the case's current handling when the owner has narrowed it since (never
wider than the handling). Other cases get a generated event:

- `uuid`: uuid5 of the producing organisation and the case id (stable across exports);
- `info` = title, `date` = first seen (else created), `timestamp` = last update;
- `threat_level_id` 4 (undefined: we do not rate threat), `analysis` 1 (ongoing);
- `distribution` from the handling (see `distribution`), `published` false;
- tags: `tlp:<label>` (MISP `tlp` taxonomy, TLP 2.0 names), `cyberfusion:crime-type="…"`,
  and `misp-galaxy:country="…"` for each country;
- on both kinds of event, a `misp-galaxy:<galaxy>="<name>"` tag for each readable entity
  linked to the case that a MISP galaxy names (ransomware, threat actors, malware, tools,
  ATT&CK techniques), which our MISP import reads back as the same links;
- the summary as an event report; each observable as an attribute of the MISP type and
  category its role names when they fit (`Network activity / ip-src`), else the default
  ones; `to_ids` false (we do not know which values are safe to block on). Usernames and
  Ethereum wallets, which have no plain MISP attribute type, become `user-account` and
  `coin-address` objects.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, ClassVar

from cyberfusion.domain.handling import Handling
from cyberfusion.domain.imports import stricter
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import Case, Occurrence
from cyberfusion.domain.observables import ObservableType
from cyberfusion.formats import reference
from cyberfusion.formats.base import ExportContext, Exporter, register_exporter
from cyberfusion.formats.misp import attributes as types
from cyberfusion.formats.misp import distribution as dist

_NAMESPACE = uuid.UUID("0d5e7a52-8c1b-4b1e-9a55-3f6c2d4e8b70")
_OBJECT_META = {"user-account": "misc", "coin-address": "financial"}


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(str(p) for p in parts)))


def _epoch(moment: datetime | None) -> str | None:
    return str(int(moment.timestamp())) if moment else None


def stored_event(items: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The MISP event kept with a case: a stored body, or a `misp-event` source object."""
    for item in items:
        if not isinstance(item, dict):
            continue
        body = item.get("body") if item.get("type") == "misp-event" else item
        if not isinstance(body, dict) or "type" in body:  # STIX objects have a type
            continue
        if isinstance(body.get("Event"), dict):
            return dict(body["Event"])
        if "Attribute" in body or "Object" in body or "info" in body:
            return dict(body)
    return None


def narrowed_event(event: dict[str, Any], handling: Handling) -> dict[str, Any]:
    """A kept event with distribution and TLP tags no wider than the case's handling."""
    target = dist.distribution_for(handling)
    level = dist.parse_level(event.get("distribution"))
    if level in (None, -1, dist.INHERIT):
        level = target
    level = dist.narrower_level(level, target)
    event["distribution"] = str(level)
    if level != dist.SHARING_GROUP:
        event.pop("SharingGroup", None)
        event["sharing_group_id"] = "0"
    tags = [t for t in event.get("Tag") or () if isinstance(t, dict)]
    kept = dist.tlp_of(dist.tag_names(event))
    if kept is None or stricter(kept, handling.tlp) != kept:
        tags = [t for t in tags if not dist.is_tlp_tag(str(t.get("name") or ""))]
        tags.insert(0, {"name": dist.tlp_tag(handling.tlp)})
        event["Tag"] = tags
    return event


def case_event_uuid(producer_org_id: str, case_id: int) -> str:
    """The uuid of the event generated for a case by one producing organisation."""
    return _uuid("case", producer_org_id, case_id)


def generated_event(case: Case, context: ExportContext) -> dict[str, Any]:
    """A MISP event made from a case that came from elsewhere."""
    uid = case_event_uuid(context.producer_org_id, case.id)
    day = case.first_seen or (case.created_at.date() if case.created_at else None)
    owner = case.owner_org_id
    event: dict[str, Any] = {
        "uuid": uid, "info": case.title, "threat_level_id": "4", "analysis": "1",
        "distribution": str(dist.distribution_for(case.handling)), "published": False,
        "Orgc": {"name": context.org_names.get(owner, owner), "uuid": _uuid("org", owner)},
        "Tag": [{"name": name} for name in _tags(case)],
    }
    if day:
        event["date"] = day.isoformat()
    stamp = _epoch(case.updated_at or case.created_at)
    if stamp:
        event["timestamp"] = stamp
    event["Attribute"], event["Object"] = _attributes(uid, case.occurrences)
    if case.summary:
        event["EventReport"] = [{"uuid": _uuid(uid, "summary"), "name": "Summary",
                                 "content": case.summary, "distribution": "5"}]
    return event


def _tags(case: Case) -> list[str]:
    names = [dist.tlp_tag(case.handling.tlp), f'cyberfusion:crime-type="{case.crime_type.value}"']
    for code in case.countries:
        name = reference.country_name(code)
        if name:
            names.append(f'misp-galaxy:country="{name}"')
    return names


def _attributes(uid: str, occurrences: Iterable[Occurrence]
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    plain: list[dict[str, Any]] = []
    objects: list[dict[str, Any]] = []
    for occ in occurrences:
        otype = ObservableType(occ.type)
        found = types.misp_type_for(otype, occ.role)
        account = types.username_type_for(occ.role) if otype is ObservableType.USERNAME else None
        if account:
            found = (account, "Social network")
        base = {"uuid": _uuid(uid, occ.key), "value": occ.value, "to_ids": False,
                "distribution": "5", "comment": _comment(occ)}
        if found:
            plain.append({**base, "type": found[0], "category": found[1]})
        elif otype in types.EXPORT_OBJECTS:
            objects.append(_object(uid, otype, occ, base))
    return plain, objects


def _object(uid: str, otype: ObservableType, occ: Occurrence,
            base: dict[str, Any]) -> dict[str, Any]:
    name, relation, misp_type = types.EXPORT_OBJECTS[otype]
    attrs = [{**base, "type": misp_type, "object_relation": relation, "category": "Other"}]
    if name == "coin-address":
        attrs.append({"uuid": _uuid(uid, occ.key, "symbol"), "type": "text", "value": "ETH",
                      "object_relation": "symbol", "category": "Other", "to_ids": False,
                      "distribution": "5"})
    return {"uuid": _uuid(uid, occ.key, name), "name": name,
            "meta-category": _OBJECT_META[name], "distribution": "5", "Attribute": attrs}


def _comment(occ: Occurrence) -> str:
    """The occurrence's comment, with its role when MISP's type and category cannot say it."""
    category, _, hinted = occ.role.partition(" / ")
    speaks = bool(hinted) and category[:1].isupper()
    parts = [p for p in ("" if speaks else occ.role, occ.comment) if p]
    return " | ".join(parts)


def event_for(case: Case, context: ExportContext) -> dict[str, Any]:
    """The MISP event for one case: the kept one narrowed to the handling, else a new one;
    either way tagged with the galaxy clusters of the entities linked to the case."""
    kept = stored_event(context.source_objects.get(case.id, []))
    event = narrowed_event(kept, case.handling) if kept is not None \
        else generated_event(case, context)
    tags = [t for t in event.get("Tag") or () if isinstance(t, dict)]
    held = {str(t.get("name") or "") for t in tags}
    event["Tag"] = tags + [{"name": name} for name in entity_tags(context, case.id)
                           if name not in held]
    return event


#: The MISP galaxy whose tags name each kind of entity (the ones our MISP import reads back).
GALAXY_OF: dict[EntityKind, str] = {
    EntityKind.RANSOMWARE: "ransomware", EntityKind.THREAT_ACTOR: "threat-actor",
    EntityKind.INTRUSION_SET: "threat-actor", EntityKind.MALWARE: "malpedia",
    EntityKind.TOOL: "tool", EntityKind.ATTACK_PATTERN: "mitre-attack-pattern",
}  # fmt: skip


def entity_tags(context: ExportContext, case_id: int) -> list[str]:
    """`misp-galaxy:<galaxy>="<name>"` for each linked entity MISP has a galaxy for (an
    ATT&CK technique as `Name - T1486`, as the MITRE galaxies write it)."""
    names = set()
    for entity in context.entities_of_case(case_id):
        galaxy = GALAXY_OF.get(entity.kind)
        value = entity.name
        if entity.kind is EntityKind.ATTACK_PATTERN and entity.external_id:
            value = f"{value} - {entity.external_id}"
        if galaxy and '"' not in value:
            names.add(f'misp-galaxy:{galaxy}="{value}"')
    return sorted(names)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@register_exporter
class MispExporter(Exporter):
    """Cases as MISP JSON: `{"Event": …}` for one case, `{"response": [...]}` for more."""

    name: ClassVar[str] = "misp"
    media_type: ClassVar[str] = "application/json"
    extension: ClassVar[str] = "json"

    def export(self, cases: Iterable[Case], context: ExportContext) -> Iterator[bytes]:
        """Yield the document in chunks, one event per chunk (one event per uuid)."""
        events = merged(event_for(case, context) for case in cases)
        if len(events) == 1:
            yield _dumps({"Event": events[0]})
            return
        yield b'{"response":['
        for i, event in enumerate(events):
            yield (b"," if i else b"") + _dumps({"Event": event})
        yield b"]}"


def merged(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One event per uuid: the parts of an event split on import by distribution (each its
    own case) go out again as the one event they were, around the widest part, each other
    part's attributes, objects and reports no wider than that part's event."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for number, event in enumerate(events):
        uid = event.get("uuid")
        groups.setdefault(uid if isinstance(uid, str) else f"#{number}", []).append(event)
    return [_joined(parts) for parts in groups.values()]


def _joined(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The parts of one event as one, around the part with the widest distribution."""
    base = parts[0]
    for part in parts[1:]:
        if _level(base) != _level(part) and \
                dist.narrower_level(_level(base), _level(part)) == _level(base):
            base = part
    for part in parts:
        if part is base:
            continue
        for key in ("Attribute", "Object", "EventReport"):
            items = [_within(item, part) for item in part.get(key) or ()
                     if isinstance(item, dict)]
            if items:
                base[key] = [*(base.get(key) or ()), *items]
    return base


def _level(event: dict[str, Any]) -> int:
    level = dist.parse_level(event.get("distribution"))
    return level if level is not None and 0 <= level < dist.INHERIT else dist.OWN_ORG


def _within(item: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """An attribute, object or report of a part, narrowed to its part's distribution and TLP."""
    item = dict(item)
    level = dist.parse_level(event.get("distribution"))
    own = dist.parse_level(item.get("distribution"))
    if level is not None and 0 <= level < dist.INHERIT:
        item["distribution"] = str(level if own is None or not 0 <= own < dist.INHERIT
                                   else dist.narrower_level(own, level))
        if level == dist.SHARING_GROUP:
            item["sharing_group_id"] = event.get("sharing_group_id", "0")
    tlp = dist.tlp_of(dist.tag_names(event))
    mine = dist.tlp_of(dist.tag_names(item))
    if tlp is not None and (mine is None or stricter(mine, tlp) is not mine):
        tags = [t for t in item.get("Tag") or () if isinstance(t, dict)
                and not dist.is_tlp_tag(str(t.get("name") or ""))]
        item["Tag"] = [{"name": dist.tlp_tag(tlp)}, *tags]
    return item
