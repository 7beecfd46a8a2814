"""Knowledge for tests: STIX bundles with a ransomware family, the group using it, a
technique and reports (cases) about it, landed through the import service."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from worlds import World, case_doc

from cyberfusion.domain.knowledge import EntityFilter
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, imports, knowledge

CREATED = "2026-05-01T09:00:00.000Z"
LOCKBIT = "malware--6a5c9fbd-2f73-4f3c-bd6b-7c1e8b3c8d01"
SPIDER = "intrusion-set--0f6d2a1c-4b0f-4c55-8e8d-2c4a9b1e7d02"
T1486 = "attack-pattern--15dbf668-795c-41e6-8219-f0447c0e64ce"


def _sdo(kind: str, stix_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "spec_version": "2.1", "id": stix_id, "created": CREATED,
            "modified": CREATED, **fields}


def _rel(number: int, kind: str, source: str, target: str) -> dict[str, Any]:
    return _sdo("relationship", f"relationship--00000000-0000-4000-8000-{number:012d}",
                relationship_type=kind, source_ref=source, target_ref=target)


def family_objects() -> list[dict[str, Any]]:
    """LockBit (a ransomware family with aliases), the group using it, and T1486."""
    return [
        _sdo("malware", LOCKBIT, name="LockBit", is_family=True,
             malware_types=["ransomware"], aliases=["LockBit 3.0", "LockBit Black"],
             description="Ransomware sold as a service to affiliates."),
        _sdo("intrusion-set", SPIDER, name="Bitwise Spider", aliases=["LockBit Gang"]),
        _sdo("attack-pattern", T1486, name="Data Encrypted for Impact",
             external_references=[{"source_name": "mitre-attack", "external_id": "T1486",
                                   "url": "https://attack.mitre.org/techniques/T1486"}]),
        _rel(1, "uses", SPIDER, LOCKBIT),
        _rel(2, "uses", LOCKBIT, T1486),
    ]


def report(number: int, title: str, refs: list[str]) -> dict[str, Any]:
    """A STIX report (one case) about the objects it refers to."""
    return _sdo("report", f"report--00000000-0000-4000-9000-{number:012d}", name=title,
                published=CREATED, report_types=["threat-report"],
                description=f"{title}: files encrypted, ransom note left.",
                object_refs=refs)


def land(world: World, org: str, objects: list[dict[str, Any]], folder: Path,
         tlp: str = "amber", release: tuple[str, ...] = ("members",)) -> None:
    """Import a bundle of `objects` as `org`'s analyst and run the job to its end."""
    path = folder / f"bundle-{org}-{len(list(folder.glob('bundle-*')))}.json"
    path.write_text(json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                                "objects": objects}))
    job = imports.submit_path(world.ctx, world.principals[org], path,
                              imports.ImportOptions(codec="stix21", tlp=tlp, release=release))
    done = imports.run(world.ctx, job.id)
    assert done is not None and done.status == "done", done


def reported(world: World, folder: Path) -> int:
    """LockBit's id, after fr-cyber reported on it (AMBER, for members: the family, the group
    using it, T1486 and a Lyon report) and br-cyber linked a RED case of its own to it."""
    land(world, "fr-cyber", [*family_objects(), report(1, "Lyon hospital", [LOCKBIT])], folder)
    br = world.principals["br-cyber"]
    page = knowledge.list_entities(world.ctx, br, EntityFilter(text="LockBit"))
    lockbit = next(e.id for e in page.items if e.name == "LockBit")
    doc = {**case_doc(tlp="red", release=["org:br-cyber"]), "title": "Sao Paulo bank"}
    case = cases.create_case(world.ctx, br, parse_case(doc, world.ctx.now().date(), 5))
    knowledge.link_case(world.ctx, br, lockbit, case.id)
    return lockbit
