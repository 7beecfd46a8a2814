"""A MISP feed folder out: `<uuid>.json` per event, `manifest.json` (event uuid -> the
summary MISP's feed fetcher reads to decide what to pull) and `hashes.csv` (md5 of each
attribute value, event uuid: what MISP's feed correlation and cache look values up by)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from cyberfusion.formats.misp.decode import FEED_UUID

#: The event fields MISP's feed fetcher reads from a manifest entry.
SUMMARY = ("info", "date", "threat_level_id", "analysis", "timestamp")
_NAMESPACE = uuid.UUID("6f3b0a8e-2c7d-4e59-9b14-d2a1c7e5f803")


def feed_files(events: Iterable[dict[str, Any]]) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of each file of the feed folder; the manifest and hashes last."""
    manifest: dict[str, dict[str, Any]] = {}
    hashes: list[str] = []
    for number, event in enumerate(events):
        uid = event.get("uuid")
        if not isinstance(uid, str) or not FEED_UUID.fullmatch(uid):
            uid = event["uuid"] = str(uuid.uuid5(_NAMESPACE, f"{event.get('info')}|{number}"))
        manifest[uid] = summary(event)
        hashes += [f"{digest},{uid}\n" for digest in value_hashes(event)]
        yield f"{uid}.json", event_file(event)
    yield "manifest.json", _dumps(manifest)
    yield "hashes.csv", "".join(hashes).encode()


def event_file(event: dict[str, Any]) -> bytes:
    """The content of one event's `<uuid>.json`."""
    return _dumps({"Event": event})


def manifest_chunks(events: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """`manifest.json` written as the events come (events carry valid uuids)."""
    yield b"{"
    sep = b"\n"
    for event in events:
        yield sep + json.dumps(event["uuid"]).encode() + b": " + _dumps(summary(event))
        sep = b",\n"
    yield b"\n}\n"


def hashes_chunks(events: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """`hashes.csv` written as the events come: one `md5,event uuid` line per value."""
    for event in events:
        lines = [f"{digest},{event['uuid']}\n" for digest in value_hashes(event)]
        if lines:
            yield "".join(lines).encode()


def summary(event: dict[str, Any]) -> dict[str, Any]:
    """An event's manifest entry: its summary fields, creator organisation and tags."""
    entry = {key: event[key] for key in SUMMARY if key in event}
    orgc = event.get("Orgc")
    if isinstance(orgc, dict):
        entry["Orgc"] = {k: orgc[k] for k in ("name", "uuid") if k in orgc}
    entry["Tag"] = [{k: tag[k] for k in ("name", "colour") if k in tag}
                    for tag in event.get("Tag") or () if isinstance(tag, dict) and "name" in tag]
    return entry


def value_hashes(event: dict[str, Any]) -> list[str]:
    """The md5 of each attribute value (objects' too); a composite value (`ip-dst|port`)
    also by each part, as MISP looks its parts up."""
    attributes = [a for a in event.get("Attribute") or () if isinstance(a, dict)]
    for obj in event.get("Object") or ():
        if isinstance(obj, dict):
            attributes += [a for a in obj.get("Attribute") or () if isinstance(a, dict)]
    found: list[str] = []
    for attribute in attributes:
        value = str(attribute.get("value", ""))
        parts = value.split("|") if "|" in str(attribute.get("type", "")) else []
        for part in (value, *parts):
            digest = hashlib.md5(part.encode(), usedforsecurity=False).hexdigest()
            if part and digest not in found:
                found.append(digest)
    return found


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode()
