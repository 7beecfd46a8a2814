"""Our own JSON lines: the export that imports again without loss.

One JSON object per line, each saying its `kind`. First the kept source objects the reader
may read, `{"kind": "object", "ref", "type", "tlp", "object"}` (STIX objects, and other kept
bodies such as MISP events), then the cases, `{"kind": "case", …the case document…,
"members": [refs]}` (the case document is the API's, `formats.case_json`). Then the entity
rows no kept object states as they stand (MISP galaxy clusters, rows an analyst edited),
`{"kind": "entity", "ref", "entity_kind", "tlp", "reference", "source", "external_id",
"object"}` with the row as a STIX object, and the relationships with a case end (analysts'
case links), `{"kind": "link", "ref", "type", "tlp", "source", "target", …}` whose ends are
an entity line's ref or a case line's `case:<owner>:<id>`. Importing reads the objects back as
the codec that first read them would (STIX objects give entities, a MISP event its galaxies'
entities), each no more open than its line's TLP, the cases from their documents, linked to
their members, the entity lines over the rows the objects gave, and the links last, to the
cases they name; every problem is located by line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any, BinaryIO

import orjson

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.imports import (
    Batch,
    ImportDefaults,
    ImportedCase,
    ImportedEntity,
    ImportedRelationship,
    ImportIssue,
    Severity,
    SourceObject,
    floored,
)
from cyberfusion.domain.model import Case
from cyberfusion.errors import InvalidInput
from cyberfusion.formats.base import (
    BATCH_OBJECTS,
    Codec,
    ExportContext,
    Exporter,
    register_codec,
    register_exporter,
)
from cyberfusion.formats.case_json import case_to_json, parse_case
from cyberfusion.formats.jsonl_knowledge import (
    case_ref,
    entity_lines,
    link_lines,
    read_entity,
    read_link,
)
from cyberfusion.formats.misp.decode import MispCodec
from cyberfusion.formats.misp.event import to_datetime
from cyberfusion.formats.stix.decode import KnowledgeReader
from cyberfusion.formats.stix.upgrade import is_stix

_HEAD = re.compile(rb'\A\{\s*"kind"\s*:\s*"(case|object|entity|link)"')
_TLPS = {t.value: t for t in TLP}


@register_exporter
class JsonLinesExporter(Exporter):
    """Kept objects, cases, entity rows, then case links, one JSON object a line."""

    name = "jsonl"
    media_type = "application/x-ndjson"
    extension = "jsonl"

    def export(self, cases: Iterable[Case], context: ExportContext) -> Iterator[bytes]:
        """Yield one line per kept object, one per case naming its members, one per entity
        row no object states as it stands, and one per link to an exported case."""
        members: dict[int, list[str]] = {}
        written: dict[int, str] = {}
        for kept in context.kept:
            if kept.case_id is not None:
                members.setdefault(kept.case_id, []).append(kept.ref)
            yield _line({"kind": "object", "ref": kept.ref, "type": kept.type,
                         "tlp": kept.tlp, "object": kept.body})
        for case in cases:
            yield _line({"kind": "case", **case_to_json(case, with_observables=True),
                         "members": members.get(case.id, [])})
            written[case.id] = case_ref(case.owner_org_id, case.id)
        for doc in [*entity_lines(context), *link_lines(context, written)]:
            yield _line(doc)


def _line(doc: dict[str, Any]) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_APPEND_NEWLINE)


@register_codec
class JsonLinesCodec(Codec):
    """cyberfusion JSON lines, as our `jsonl` export writes them."""

    name = "jsonl"
    title = "cyberfusion JSON lines (our own export)"
    extensions = ("jsonl", "ndjson")
    media_types = ("application/x-ndjson",)
    sniff_first = True

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """The first line is one of our `kind`ed objects."""
        del filename
        return bool(_HEAD.match(head.removeprefix(b"\xef\xbb\xbf").lstrip()))

    def decode(self, stream: BinaryIO, source_name: str,
               defaults: ImportDefaults) -> Iterator[Batch]:
        """Yield batches of objects and entities, then of cases, as the lines come."""
        reader = _Lines(source_name, defaults)
        try:
            yield from reader.run(stream)
        finally:
            reader.knowledge.close()


class _Lines:
    """The state of one decode: the batch being filled and the STIX knowledge reader."""

    def __init__(self, source_name: str, defaults: ImportDefaults) -> None:
        self.source_name = source_name
        self.defaults = defaults
        self.batch = Batch()
        self.knowledge = KnowledgeReader(source_name, defaults)
        self.read = 0
        #: Entity lines of the batch being filled, by ref (they win over the objects' rows).
        self.rows: dict[str, ImportedEntity] = {}
        #: Link lines, landed last with the relationships (their ends may be cases).
        self.links: list[ImportedRelationship] = []

    def run(self, stream: BinaryIO) -> Iterator[Batch]:
        for number, raw in enumerate(stream):
            self.read += len(raw)
            if raw.strip():
                self._take(number, raw)
            if len(self.batch) + len(self.rows) >= BATCH_OBJECTS:
                yield self._flush()
        yield self._flush()
        # Relationships land last: their ends may be cases made by the lines above.
        for link in [*self.knowledge.relationships(), *self.links]:
            self.batch.relationships.append(link)
            if len(self.batch) >= BATCH_OBJECTS:
                yield self._flush()
        yield self._flush()

    def _flush(self) -> Batch:
        batch, self.batch = self.batch, Batch()
        if self.rows:
            batch.entities = [e for e in batch.entities if e.ref not in self.rows] \
                + list(self.rows.values())
            self.rows = {}
        batch.bytes_read = self.read
        return batch

    def _fail(self, number: int, where: str, message: str) -> None:
        self.batch.issues.append(ImportIssue(
            Severity.ERROR, f"{self.source_name}:line {number + 1}{where}", message))

    def _take(self, number: int, raw: bytes) -> None:
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            self._fail(number, "", f"invalid JSON: {exc}; line skipped")
            return
        kind = doc.get("kind") if isinstance(doc, dict) else None
        if kind == "object":
            self._object(number, doc)
        elif kind == "case":
            self._case(number, doc)
        elif kind == "entity":
            self._knowledge(number, doc, "entity")
        elif kind == "link":
            self._knowledge(number, doc, "link")
        else:
            self._fail(number, ".kind", "expected 'object', 'case', 'entity' or 'link'; "
                       "line skipped")

    def _knowledge(self, number: int, doc: dict[str, Any], kind: str) -> None:
        where = f"{self.source_name}:line {number + 1}"
        try:
            if kind == "entity":
                entity = read_entity(doc, where)
                self.rows[entity.ref] = entity
            else:
                self.links.append(read_link(doc, where))
        except InvalidInput as exc:
            for issue in exc.issues:
                self._fail(number, f".{issue.location}", f"{issue.message}; {kind} skipped")

    def _object(self, number: int, doc: dict[str, Any]) -> None:
        body, ref, otype = doc.get("object"), doc.get("ref"), doc.get("type")
        tlp = _TLPS.get(str(doc.get("tlp")))
        if not isinstance(body, dict) or not isinstance(ref, str) or not isinstance(otype, str):
            self._fail(number, "", "an object line needs ref, type and object; skipped")
            return
        if is_stix(body):
            self.knowledge.take(self.batch, number, body, tlp)
            return
        self.batch.objects.append(SourceObject(ref, otype, to_datetime(body.get("timestamp")),
                                               False, body, tlp))
        if otype == "misp-event":
            self.batch.entities += _misp_entities(body, f"{self.source_name}:line {number + 1}",
                                                  self.defaults)

    def _case(self, number: int, doc: dict[str, Any]) -> None:
        try:
            draft = parse_case(doc, self.defaults.review_by, 0)
        except InvalidInput as exc:
            for issue in exc.issues:
                self._fail(number, f".{issue.location}", f"{issue.message}; case skipped")
            return
        draft = replace(draft, handling=floored(draft.handling, self.defaults))
        members = doc.get("members")
        refs = tuple(m for m in members if isinstance(m, str)) if isinstance(members, list) \
            else ()
        self.batch.cases.append(ImportedCase(
            ref=case_ref(doc.get("owner"), doc.get("id")), modified=_when(doc.get("updated_at")),
            revoked=doc.get("revoked") is True, draft=draft, members=refs))


def _misp_entities(body: dict[str, Any], where: str,
                   defaults: ImportDefaults) -> list[ImportedEntity]:
    """The entities the MISP codec reads from a kept event (its galaxies and tags)."""
    stream = io.BytesIO(orjson.dumps({"Event": body}))
    return [e for batch in MispCodec().decode(stream, where, defaults) for e in batch.entities]


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
