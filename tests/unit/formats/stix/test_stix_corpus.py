"""Every real STIX file we hold decodes: the shared corpus when present, our fixtures always."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from cyberfusion.domain.imports import Severity
from cyberfusion.formats.base import ExportContext
from cyberfusion.formats.stix import StixExporter

SHARED = Path("/work/shared/data/ext")
FIXTURES = Path(__file__).parents[3] / "fixtures" / "stix"


def _shared_files() -> list[str]:
    index = SHARED / "INDEX.json"
    if not index.exists():
        return []
    files = orjson.loads(index.read_bytes())["files"]
    return sorted(f["path"] for f in files if str(f["kind"]).startswith("stix2-"))


def _objects(data: bytes) -> list[dict[str, Any]]:
    doc = orjson.loads(data)
    if isinstance(doc, list):
        return doc
    objects: list[dict[str, Any]] = doc.get("objects", [doc])
    return objects


def _check(stix: Any, path: Path) -> None:
    data = path.read_bytes()
    out = stix.decode_bytes(data, name=path.name)
    assert not out.severities(Severity.ERROR), out.issues[:3]
    source = _objects(data)
    duplicates = len([i for i in out.issues if "more than once" in i.message])
    assert len(out.objects) + duplicates == len(source)
    first: dict[str, dict[str, Any]] = {}
    for obj in source:
        first.setdefault(obj["id"], obj)
    for kept in out.objects:
        assert kept.body == first[kept.ref] and kept.type == kept.body["type"]
    # and the kept objects go back out as they came in (as STIX 2.1)
    cases, stored = stix.cases_from(out)
    context = ExportContext(stored, kept=stix.knowledge_from(out))
    exported = orjson.loads(b"".join(StixExporter().export(cases, context)))["objects"]
    assert all(stix.faithful(obj, first[obj["id"]]) for obj in exported if obj["id"] in first)


@pytest.mark.skipif(not _shared_files(), reason="shared STIX corpus not present")
@pytest.mark.parametrize("name", _shared_files())
def test_shared_corpus_file_decodes(stix: Any, name: str) -> None:
    _check(stix, SHARED / name)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*/*.json")), ids=lambda p: p.name)
def test_fixture_decodes(stix: Any, path: Path) -> None:
    _check(stix, path)


@pytest.mark.skipif(not (SHARED / "attack-stix-data").exists(), reason="ATT&CK not present")
@pytest.mark.parametrize("name", ["ics-attack-18.1.json", "mobile-attack-17.1.json"])
def test_attack_domains_give_entities(stix: Any, name: str) -> None:
    out = stix.decode_bytes((SHARED / "attack-stix-data" / name).read_bytes(), name=name)
    techniques = [e for e in out.entities if e.kind.value == "attack-pattern"]
    assert len(techniques) > 50
    assert all(e.external_id.startswith("T") for e in techniques if not e.revoked)
    assert not out.cases


def test_fixture_licences_travel_with_the_data() -> None:
    for folder in FIXTURES.iterdir():
        if folder.is_dir():
            assert any(p.name.startswith("LICENSE") for p in folder.iterdir()), folder
    assert sum(p.stat().st_size for p in FIXTURES.rglob("*")) < 1_000_000
