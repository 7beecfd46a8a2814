"""MISP feed folder files: one event file per event, its manifest summary and value hashes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cyberfusion.formats.misp.feed import feed_files, summary, value_hashes

UID = "5a8f3c1e-0b2d-4c7e-9f61-2d3e4a5b6c7d"


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def event(**extra: Any) -> dict[str, Any]:
    return {"uuid": UID, "info": "Phishing wave", "date": "2026-05-01", "analysis": "1",
            "threat_level_id": "4", "timestamp": "1780000000", "distribution": "1",
            "Orgc": {"name": "FR cyber", "uuid": "0c9e2a4b-1d3f-4e5a-8b7c-6d5e4f3a2b1c",
                     "id": "7"},
            "Tag": [{"name": "tlp:amber", "colour": "#FFC000", "id": "3"}],
            "Attribute": [{"type": "ip-dst|port", "value": "185.220.101.4|443"},
                          {"type": "domain", "value": "evil.example"}],
            "Object": [{"name": "coin-address",
                        "Attribute": [{"type": "btc", "value": "bc1qxyz"}]}], **extra}


def test_files_are_events_then_manifest_then_hashes() -> None:
    files = dict(feed_files([event()]))
    assert list(files) == [f"{UID}.json", "manifest.json", "hashes.csv"]
    assert json.loads(files[f"{UID}.json"])["Event"]["info"] == "Phishing wave"
    assert list(json.loads(files["manifest.json"])) == [UID]
    rows = files["hashes.csv"].decode().splitlines()
    assert f"{md5('evil.example')},{UID}" in rows and f"{md5('bc1qxyz')},{UID}" in rows


def test_summary_keeps_what_the_feed_fetcher_reads() -> None:
    entry = summary(event())
    assert entry == {"info": "Phishing wave", "date": "2026-05-01", "analysis": "1",
                     "threat_level_id": "4", "timestamp": "1780000000",
                     "Orgc": {"name": "FR cyber", "uuid": "0c9e2a4b-1d3f-4e5a-8b7c-6d5e4f3a2b1c"},
                     "Tag": [{"name": "tlp:amber", "colour": "#FFC000"}]}


def test_composite_values_are_hashed_whole_and_by_part() -> None:
    found = value_hashes(event())
    assert {md5("185.220.101.4|443"), md5("185.220.101.4"), md5("443")} <= set(found)
    assert len(found) == len(set(found)) == 5


def test_an_event_without_a_usable_uuid_gets_one_and_no_path() -> None:
    files = dict(feed_files([event(uuid="../../etc/passwd")]))
    name = next(n for n in files if n not in ("manifest.json", "hashes.csv"))
    assert "/" not in name and list(json.loads(files["manifest.json"])) == [name[:-5]]
