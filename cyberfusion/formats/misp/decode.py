"""The MISP JSON importer: events, `{"response": [...]}` collections and feed folders.

Accepted shapes: `{"Event": {...}}`, a bare event dict, a JSON list of either,
`{"response": [...]}` of events (as `/events/restSearch` returns), `{"response":
{"Attribute": [...]}}` (attribute search results) and `{"response": [{"Object": {...}}]}`.
Attributes and objects without an event are gathered into one case per event they name
(`Event.uuid`/`event_uuid`), else one case per file. Collections are read as a stream: one
event in memory at a time. A feed folder (`manifest.json` + `<uuid>.json`) is read by
`decode_feed_folder`. Locations in issues are JSON paths such as
`feed.json:response[3].Event.Object[2].Attribute[0].value`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import ijson  # type: ignore[import-untyped]

from cyberfusion.domain.imports import Batch, ImportDefaults, ImportIssue, Severity
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.base import BATCH_OBJECTS, Codec, register_codec
from cyberfusion.formats.json_depth import DepthGuard, NestingTooDeep
from cyberfusion.formats.misp.event import (
    EventInput,
    EventReader,
    content_uuid,
    from_event,
    join,
)

#: Flush a batch early once this many input bytes went into it (big events).
BATCH_BYTES = 8 * 1024 * 1024

_EVENT_KEYS = frozenset({"info", "threat_level_id", "analysis", "date", "Orgc", "EventReport"})
_SNIFF_KEYS = re.compile(rb'"(Event|response|Attribute|Object|threat_level_id)"\s*:')
_STIX = re.compile(rb'"type"\s*:\s*"bundle"|"spec_version"\s*:')
_BOM = b"\xef\xbb\xbf"
FEED_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_STARTS = ("start_map", "start_array")
_ENDS = ("end_map", "end_array")


class _CountingReader:
    """A binary stream wrapper that counts bytes read and drops a leading UTF-8 BOM."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.count = 0
        self.first = True
        self.guard = DepthGuard()

    def read(self, size: int = -1) -> bytes:
        """Read like the wrapped stream, counting."""
        data = self.stream.read(size)
        self.count += len(data)
        self.guard.feed(data)
        if self.first and data:
            self.first = False
            data = data.removeprefix(_BOM)
        return data


def _build(first: tuple[str, str, Any], events: Iterator[tuple[str, str, Any]]) -> Any:
    """Assemble one JSON value from ijson events, starting with its first event."""
    builder = ijson.ObjectBuilder()
    _, kind, value = first
    builder.event(kind, value)
    depth = 1 if kind in _STARTS else 0
    while depth:
        _, kind, value = next(events)
        builder.event(kind, value)
        depth += 1 if kind in _STARTS else -1 if kind in _ENDS else 0
    return builder.value


def iter_units(stream: Any) -> Iterator[tuple[str, Any]]:
    """Top-level values as (JSON path, value); `response` and root lists item by item."""
    events = ijson.parse(stream, use_float=True)
    _, kind, value = next(events)
    if kind == "start_array":
        yield from _array_items("", events)
        return
    if kind != "start_map":
        yield "", value
        return
    rest: dict[str, Any] = {}
    for _, kind, key in events:
        if kind == "end_map":
            break
        first = next(events)
        if key == "response" and first[1] == "start_array":
            yield from _array_items("response", events)
        else:
            rest[key] = _build(first, events)
    if rest:
        yield "", rest


def _array_items(loc: str, events: Iterator[tuple[str, str, Any]]) -> Iterator[tuple[str, Any]]:
    for index, first in enumerate(events):
        if first[1] == "end_array":
            return
        yield f"{loc}[{index}]", _build(first, events)


class _Loose:
    """Attributes and objects found outside any event, grouped by the event they name."""

    def __init__(self) -> None:
        self.groups: dict[str, EventInput] = {}

    def add(self, loc: str, value: Any, is_object: bool) -> None:
        """Put one loose attribute or object in the group of the event it names."""
        event = value.get("Event") if isinstance(value, dict) else None
        event = event if isinstance(event, dict) else {}
        key = str(event.get("uuid") or (value.get("event_uuid") if isinstance(value, dict) else "")
                  or "")
        group = self.groups.get(key)
        if group is None:
            header = {k: v for k, v in event.items() if k not in ("Attribute", "Object")}
            if key:
                header["uuid"] = key
            group = self.groups[key] = EventInput("", header)
        (group.objects if is_object else group.attributes).append((loc, value))

    def inputs(self, source: str) -> Iterator[EventInput]:
        """One synthetic event per group, with a made-up uuid where the source names none."""
        for key, group in self.groups.items():
            if not key:
                uuids = sorted(str(v.get("uuid")) for _, v in group.attributes + group.objects
                               if isinstance(v, dict))
                group.header["uuid"] = content_uuid(uuids or [source])
            group.header.setdefault("info", f"MISP attributes from {Path(source).name}")
            group.header.setdefault("timestamp", _latest(group))
            yield group


def _latest(group: EventInput) -> str | None:
    stamps = [str(v.get("timestamp")) for _, v in group.attributes + group.objects
              if isinstance(v, dict) and str(v.get("timestamp") or "").isdigit()]
    return max(stamps, key=int) if stamps else None


def _is_event(value: dict[str, Any]) -> bool:
    """Events name at least one event field, or hold objects as a list."""
    return bool(_EVENT_KEYS.intersection(value)) or isinstance(value.get("Object"), list)


class _Batcher:
    """Fills batches from event outputs and hands them out when full."""

    def __init__(self) -> None:
        self.batch = Batch()
        self.mark = 0
        #: The fault that stopped reading a file; every batch from it on carries it.
        self.fault: ImportIssue | None = None

    def add(self, out: Batch) -> None:
        """Add what one event landed as."""
        self.batch.cases.extend(out.cases)
        self.batch.objects.extend(out.objects)
        self.batch.entities.extend(out.entities)
        self.batch.issues.extend(out.issues)

    def full(self, bytes_read: int) -> bool:
        """True when the batch holds enough objects or input bytes to hand out."""
        return len(self.batch) >= BATCH_OBJECTS or bytes_read - self.mark >= BATCH_BYTES

    def take(self, bytes_read: int) -> Batch:
        """Hand out the batch, stamped with the input bytes read so far."""
        batch, self.batch, self.mark = self.batch, Batch(), bytes_read
        batch.bytes_read = bytes_read
        batch.fault = self.fault
        return batch


class _Decoder:
    """Decodes one or more MISP JSON streams into batches."""

    def __init__(self, defaults: ImportDefaults) -> None:
        self.defaults = defaults
        self.batcher = _Batcher()
        self.offset = 0

    def stream(self, stream: BinaryIO, source: str) -> Iterator[Batch]:
        """Decode one stream; yield full batches (the caller flushes the last one)."""
        reader, loose = EventReader(source, self.defaults), _Loose()
        counter = _CountingReader(stream)
        try:
            for loc, value in iter_units(counter):
                for item in self._dispatch(reader, loose, loc, value):
                    yield from self._add(reader.read(item), counter)
        except (ijson.JSONError, UnicodeDecodeError, NestingTooDeep) as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else "empty input"
            self.error(source, f"byte {counter.count}", f"not valid JSON: {message}; reading "
                       "stopped here")
            self.batcher.fault = self.batcher.batch.issues[-1]
        for item in loose.inputs(source):
            out = reader.read(item)
            out.issues.insert(0, ImportIssue(Severity.INFO, f"{source}:{item.loc or '$'}",
                                             "attributes or objects outside an event were "
                                             f"gathered into case misp:{item.header['uuid']}"))
            yield from self._add(out, counter)
        self.offset += counter.count

    def _add(self, out: Batch, counter: _CountingReader) -> Iterator[Batch]:
        self.batcher.add(out)
        if self.batcher.full(self.offset + counter.count):
            yield self.batcher.take(self.offset + counter.count)

    def error(self, source: str, loc: str, message: str,
              severity: Severity = Severity.ERROR) -> None:
        """Record a located issue that belongs to no event."""
        self.batcher.batch.issues.append(ImportIssue(severity, f"{source}:{loc}", message))

    def finish(self) -> Batch:
        """The last, possibly partial, batch."""
        return self.batcher.take(self.offset)

    def _dispatch(self, reader: EventReader, loose: _Loose, loc: str,
                  value: Any) -> Iterator[EventInput]:
        if not isinstance(value, dict):
            self.error(reader.source, loc or "$", "expected a MISP event or collection")
            return
        if isinstance(value.get("Event"), dict | list):
            for i, event in enumerate(_as_list(value["Event"])):
                where = join(loc, "Event") + (f"[{i}]" if isinstance(value["Event"], list) else "")
                yield from self._dispatch_event(reader, where, event)
        elif "response" in value:
            inner = value["response"]
            where = join(loc, "response")
            if not isinstance(inner, list):
                yield from self._dispatch(reader, loose, where, inner)
                return
            for i, item in enumerate(inner):
                yield from self._dispatch(reader, loose, f"{where}[{i}]", item)
        elif _is_event(value):
            yield from self._dispatch_event(reader, loc, value)
        elif "Attribute" in value or "Object" in value:
            self._gather(loose, loc, value)
        else:
            self.error(reader.source, loc or "$", "not a MISP event, attribute list or object")

    def _dispatch_event(self, reader: EventReader, loc: str, event: Any) -> Iterator[EventInput]:
        if isinstance(event, dict):
            yield from_event(loc, event)
        else:
            self.error(reader.source, loc, "expected a MISP event (a JSON object)")

    def _gather(self, loose: _Loose, loc: str, value: dict[str, Any]) -> None:
        for key, is_object in (("Attribute", False), ("Object", True)):
            inner = value.get(key)
            if isinstance(inner, list):
                for i, item in enumerate(inner):
                    loose.add(join(loc, f"{key}[{i}]"), item, is_object)
            elif inner is not None:
                loose.add(join(loc, key), inner, is_object)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@register_codec
class MispCodec(Codec):
    """MISP JSON: a single event, a list of events, or a `response` collection."""

    name: ClassVar[str] = "misp"
    title: ClassVar[str] = "MISP JSON"
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    media_types: ClassVar[tuple[str, ...]] = ("application/json",)

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """JSON whose first keys are MISP's capitalised ones, and not a STIX bundle."""
        text = head.removeprefix(_BOM).lstrip()
        if not text.startswith((b"{", b"[")):
            return False
        return bool(_SNIFF_KEYS.search(text)) and not _STIX.search(text)

    def decode(
        self, stream: BinaryIO, source_name: str, defaults: ImportDefaults
    ) -> Iterator[Batch]:
        """Yield batches of cases, source events, entities and located issues."""
        decoder = _Decoder(defaults)
        yield from decoder.stream(stream, source_name)
        yield decoder.finish()


def decode_feed_folder(path: str | Path, defaults: ImportDefaults) -> Iterator[Batch]:
    """Decode a MISP feed folder: `manifest.json` names the `<uuid>.json` event files."""
    folder = Path(path)
    decoder = _Decoder(defaults)
    for name, problem, severity in _feed_files(folder):
        if problem:
            decoder.error(f"{folder.name}/{name}", "$", problem, severity)
            continue
        with (folder / name).open("rb") as stream:
            yield from decoder.stream(stream, f"{folder.name}/{name}")
    yield decoder.finish()


def _feed_files(folder: Path) -> Iterator[tuple[str, str, Severity]]:
    """(file name, problem, severity) for each event file the manifest lists, in its order."""
    for uid in _manifest(folder):
        name = f"{uid}.json"
        if not (folder / name).is_file():
            problem = "listed in manifest.json but missing from the feed folder"
            yield name, problem, Severity.WARNING
        else:
            yield name, "", Severity.INFO


def _manifest(folder: Path) -> dict[str, Any]:
    """The feed's `manifest.json`: a map of event uuids to event summaries, else the whole
    feed is refused (InvalidInput, located) rather than half read."""
    where = f"{folder.name}/manifest.json"
    try:
        manifest = json.loads((folder / "manifest.json").read_bytes())
    except (OSError, ValueError) as exc:
        raise InvalidInput("the MISP feed has no readable manifest",
                           [Issue(f"{where}:$", f"cannot read the feed manifest: {exc}")]) \
            from exc
    if not isinstance(manifest, dict):
        raise InvalidInput("the MISP feed manifest is not a feed manifest", [Issue(
            f"{where}:$", "must map event uuids to event summaries ({uuid: {info, timestamp, "
            f"…}}), not a JSON {type(manifest).__name__}")])
    issues = [Issue(f"{where}:$[{uid!r}]", "the key is not an event uuid")
              for uid in manifest if not FEED_UUID.fullmatch(uid)]
    issues += [Issue(f"{where}:$[{uid!r}]", "the value is not an event summary (an object)")
               for uid, summary in manifest.items() if not isinstance(summary, dict)]
    if issues:
        raise InvalidInput("the MISP feed manifest is not a map of event uuids to summaries",
                           issues[:50])
    return manifest
