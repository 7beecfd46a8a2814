"""A cyber activity report document as a STIX 2.1 bundle: one `report` whose object refs
are the included cases' reports and the families, actors, techniques, courses of action and
indicators it names, with deterministic ids and times taken from the as-of date."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cyberfusion.domain.handling import TLP
from cyberfusion.formats.stix.generated import org_identity, stable_uuid
from cyberfusion.formats.stix.markings import TLP2_IDS, tlp2_marking_definition
from cyberfusion.formats.stix.values import pattern_for

_ACTOR_TYPES = {"ransomware": "malware", "malware": "malware", "threat-actor": "threat-actor",
                "intrusion-set": "intrusion-set"}


def report_key(doc: dict[str, Any]) -> str:
    """What the report's STIX id derives from: title, scope, recipients, audience, as-of."""
    fields = [doc["title"], doc["scope"], doc["recipients"], doc["audience"], doc["as_of"]]
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def bundle(doc: dict[str, Any], author_org_id: str, org_names: dict[str, str]) -> dict[str, Any]:
    """The bundle: identity, TLP marking, the report and every object it refers to."""
    key = report_key(doc)
    when = f"{doc['as_of']}T00:00:00.000Z"
    tlp = TLP(doc["tlp"])
    creator = org_identity(author_org_id, org_names)
    common = {"spec_version": "2.1", "created": when, "modified": when,
              "created_by_ref": creator["id"], "object_marking_refs": [TLP2_IDS[tlp]]}
    objects = _knowledge(doc, key, common) + _indicators(doc, key, common, when)
    cases = {"report--" + stable_uuid(f"case:{c['owner_org_id']}:{c['id']}")
             for c in doc["cases"]}
    refs = sorted({o["id"] for o in objects} | cases)
    report = {"type": "report", "id": f"report--{stable_uuid(f'activity-report:{key}')}",
              **common, "name": doc["title"], "published": when,
              "report_types": ["threat-report"], "description": _description(doc),
              "object_refs": refs or [creator["id"]]}
    everything = sorted([creator, tlp2_marking_definition(tlp), report, *objects],
                        key=lambda o: (o["type"], o["id"]))
    return {"type": "bundle", "id": f"bundle--{stable_uuid(f'activity-bundle:{key}')}",
            "objects": everything}


def dumps(data: dict[str, Any]) -> bytes:
    """Bundle bytes: sorted keys, so the same report gives the same bytes."""
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def _description(doc: dict[str, Any]) -> str:
    figures = doc["key_figures"]
    lines = [doc["assessment"]] if doc["assessment"] else []
    if doc["empty"]:
        lines.append(doc["empty"])
    lines.append(f"{figures['cases']} case(s), {figures['victims']} victim(s), "
                 f"{figures['countries']} country(ies), {figures['networks']} network(s); "
                 f"{figures['withheld']} matching item(s) withheld by handling.")
    return "\n\n".join(lines)


def _knowledge(doc: dict[str, Any], key: str, common: dict[str, Any]) -> list[dict[str, Any]]:
    """Families, actors, their techniques (`uses`) and the courses of action (`mitigates`)."""
    objects: dict[str, dict[str, Any]] = {}
    techniques: dict[str, str] = {}
    for actor in [*doc["families"], *doc["actors"]]:
        stix_type = _ACTOR_TYPES.get(actor["kind"], "malware")
        seed = f"{key}:{stix_type}:{actor['name']}"
        obj = {"type": stix_type, "id": f"{stix_type}--{stable_uuid(seed)}", **common,
               "name": actor["name"]}
        if stix_type == "malware":
            obj["is_family"] = True
        objects[obj["id"]] = obj
        for tech in actor["techniques"]:
            tid = _technique(objects, techniques, tech, key, common)
            _relate(objects, "uses", obj["id"], tid, key, common)
    for action in doc["actions"]:
        tid = techniques.get(action["technique"], "")
        if action["source"] == "technique" and tid:
            seed = f"{key}:coa:{action['text']}"
            coa = {"type": "course-of-action", **common, "name": action["text"][:250],
                   "id": f"course-of-action--{stable_uuid(seed)}"}
            objects[coa["id"]] = coa
            _relate(objects, "mitigates", coa["id"], tid, key, common)
    return list(objects.values())


def _technique(objects: dict[str, dict[str, Any]], techniques: dict[str, str],
               tech: dict[str, Any], key: str, common: dict[str, Any]) -> str:
    label = tech["external_id"] or tech["name"]
    ident = f"attack-pattern--{stable_uuid(f'{key}:technique:{label}')}"
    obj: dict[str, Any] = {"type": "attack-pattern", "id": ident, **common,
                           "name": tech["name"] or label}
    if tech["external_id"]:
        obj["external_references"] = [{"source_name": "mitre-attack",
                                       "external_id": tech["external_id"]}]
    objects[ident] = obj
    techniques[label] = ident
    return ident


def _relate(objects: dict[str, dict[str, Any]], rel: str, source: str, target: str, key: str,
            common: dict[str, Any]) -> None:
    ident = f"relationship--{stable_uuid(f'{key}:{rel}:{source}:{target}')}"
    objects[ident] = {"type": "relationship", "id": ident, **common, "relationship_type": rel,
                      "source_ref": source, "target_ref": target}


def _indicators(doc: dict[str, Any], key: str, common: dict[str, Any],
                when: str) -> list[dict[str, Any]]:
    """The indicator annex as STIX indicators, where STIX patterns can state the value."""
    found = []
    for ind in doc["indicators"]:
        pattern = pattern_for(ind["type"], ind["value"])
        if pattern is None:
            continue
        seed = f"{key}:indicator:{ind['type']}:{ind['value']}"
        ident = f"indicator--{stable_uuid(seed)}"
        found.append({"type": "indicator", "id": ident, **common,
                      "name": f"{ind['type']} {ind['value']}"[:250],
                      "description": f"Role: {ind['role'] or 'unknown'}; seen in "
                                     f"{ind['cases']} case(s).",
                      "pattern": pattern, "pattern_type": "stix", "pattern_version": "2.1",
                      "valid_from": when})
    return found
