"""The STIX 2.1 importer: every object kept as given, observables, entities and cases.

Reads bundles (section 8), TAXII 2.1 envelopes and lists of objects as a stream
(docs.oasis-open.org/cti/stix/v2.1/os). Each object becomes a `SourceObject` with its TLP;
ATT&CK-style SDOs become entities; values of simple indicator patterns (section 9) and of
SCOs (section 6) become observables; reports and groupings become cases at the end, and the
values no report names go to one synthetic case per file (see `cases.py`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, BinaryIO

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.imports import (
    Batch,
    ImportDefaults,
    ImportedRelationship,
    ImportIssue,
    Severity,
    SourceObject,
    stricter,
)
from cyberfusion.domain.observables import normalise
from cyberfusion.errors import InvalidObservable
from cyberfusion.formats.base import BATCH_OBJECTS, Codec, register_codec
from cyberfusion.formats.stix.bare import BareObjects, is_bare
from cyberfusion.formats.stix.cases import CaseAssembler, ReportRecord
from cyberfusion.formats.stix.extension import EXTENSION_ID, read_extension
from cyberfusion.formats.stix.mapping import (
    ENTITY_TYPES,
    VALUE_TYPES,
    Value,
    crime_type_of,
    entity_of,
    pattern_values,
    relationship_of,
    resolve_type,
    sco_values,
    strip_full_prefix,
)
from cyberfusion.formats.stix.markings import MarkingIndex, is_bogus_tlp_id, marking_refs
from cyberfusion.formats.stix.patterns import read_pattern
from cyberfusion.formats.stix.reader import ObjectReader
from cyberfusion.formats.stix.seen import SeenIds

_TYPE = re.compile(r"[a-z0-9][a-z0-9-]{1,248}[a-z0-9]")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_FRACTION = re.compile(r"(\.[0-9]{6})[0-9]+")
_STIX_ID = re.compile(rb'"id"\s*:\s*"[a-z0-9-]+--[0-9a-fA-F]{8}-')
_BUNDLE = re.compile(rb'"type"\s*:\s*"bundle"')
_NOTE_LIMIT = 200
#: STIX 2.1 cyber-observable types (section 6): their `spec_version` is optional.
_SCO_TYPES = frozenset({
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
    "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process",
    "software", "url", "user-account", "windows-registry-key", "x509-certificate"})
_CACHE_LIMIT = 16_384
Refs = tuple[str, ...]
_COMMENT_LIMIT = 200


@register_codec
class StixCodec(Codec):
    """STIX 2.1 bundles, TAXII 2.1 envelopes and bare lists of STIX objects."""

    name = "stix21"
    title = "STIX 2.1 (bundle, TAXII envelope or list of objects)"
    extensions = ("json", "stix", "stix2")
    media_types = ("application/stix+json", "application/taxii+json")

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """A JSON bundle (section 8) or a document holding objects with STIX identifiers."""
        del filename
        text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
        if text[:1] not in (b"{", b"[") or b'"Event"' in head:
            return False
        return bool(_BUNDLE.search(head) or _STIX_ID.search(head))

    def decode(
        self, stream: BinaryIO, source_name: str, defaults: ImportDefaults
    ) -> Iterator[Batch]:
        """Yield batches of objects and entities as they stream, cases at the end."""
        return _Decoder(source_name, defaults).run(stream)


class _Notes:
    """Located issues, with INFO and WARNING capped per kind (a summary tells the rest)."""

    def __init__(self, source_name: str) -> None:
        self.source_name = source_name
        self.counts: Counter[str] = Counter()

    def add(self, batch: Batch, severity: Severity, kind: str, location: str,
            message: str) -> None:
        """Add an issue to `batch` unless its kind is past the cap (errors always go)."""
        if severity is not Severity.ERROR:
            self.counts[kind] += 1
            if self.counts[kind] > _NOTE_LIMIT:
                return
        batch.issues.append(ImportIssue(severity, location, message))

    def summary(self) -> list[ImportIssue]:
        """One INFO per capped kind: how many were not listed."""
        return [ImportIssue(Severity.INFO, self.source_name,
                            f"{count - _NOTE_LIMIT} more issue(s) of kind {kind!r} not listed")
                for kind, count in sorted(self.counts.items()) if count > _NOTE_LIMIT]


class _Decoder:
    """The state of one decode: batch, markings, versions seen, records for the cases."""

    def __init__(self, source_name: str, defaults: ImportDefaults) -> None:
        self.source_name = source_name
        self.markings = MarkingIndex()
        self.assembler = CaseAssembler(source_name, defaults, self.markings)
        self.notes = _Notes(source_name)
        self.batch = Batch()
        # ids met so far, by hash, in bounded memory
        self.seen = SeenIds()
        self.cache: dict[str, tuple[str, str, str] | str] = {}
        self.tlp_cache: dict[Refs, tuple[TLP | None, bool, list[str]]] = {}
        self.good_types: set[str] = set()
        self.stamps: dict[str, datetime] = {}
        self.reader: ObjectReader | None = None
        self.handlers = _HANDLERS
        self.floor: TLP | None = None
        self.v20 = 0
        self.bare = BareObjects()
        self.relationships: dict[str, ImportedRelationship] = {}
        #: The fault that stopped the reader; every batch from it on carries it.
        self.fault: ImportIssue | None = None

    def run(self, stream: BinaryIO) -> Iterator[Batch]:
        """Stream the objects, then the cases; the last batch carries the summary."""
        reader = self.reader = ObjectReader(stream, self.source_name)
        try:
            take, limit = self._take, BATCH_OBJECTS - 1
            for index, item in reader:
                take(index, item)
                if len(self.batch.objects) + len(self.batch.entities) >= limit:
                    yield self._flush()
            if reader.problem is not None:
                self.batch.issues.append(reader.problem)
                self.fault = reader.problem
            if self.v20:
                self.batch.issues.append(ImportIssue(
                    Severity.INFO, f"{self.source_name}:$", f"{self.v20} STIX 2.0 object(s) "
                    "(no spec_version 2.1): read as STIX 2.1, kept as given, and upgraded to "
                    "valid STIX 2.1 when exported"))
            bare = self.bare.warning()
            if bare is not None:
                self.batch.issues.append(bare)
            self.seen.close()
            self.cache = {}
            held = 0
            for case in self.assembler.finish():
                self.batch.cases.append(case)
                held += len(case.draft.occurrences) + len(case.members)
                if len(self.batch) >= BATCH_OBJECTS or held >= BATCH_OBJECTS * 10:
                    yield self._flush()
                    held = 0
            for link in self.relationships.values():
                self.batch.relationships.append(link)
                if len(self.batch) >= BATCH_OBJECTS:
                    yield self._flush()
            self.batch.issues.extend(self.notes.summary())
            yield self._flush()
        finally:
            self.seen.close()
            self.assembler.close()

    def _flush(self) -> Batch:
        """Hand over the current batch with the bytes read so far; start a new one."""
        batch, self.batch = self.batch, Batch()
        batch.bytes_read = self.reader.bytes_read if self.reader else 0
        batch.fault = self.fault
        return batch

    def _where(self, index: int, suffix: str = "") -> str:
        """`source:objects[index]suffix` (`source:line N.object…` outside a STIX document)."""
        if self.reader is None:
            return f"{self.source_name}:line {index + 1}.object{suffix}"
        return self.reader.location(index, suffix)

    def _note(self, severity: Severity, kind: str, index: int, suffix: str,
              message: str) -> None:
        """Report an issue located at an object (and a property path under it)."""
        self.notes.add(self.batch, severity, kind, self._where(index, suffix), message)

    def _take(self, index: int, item: Any) -> None:
        """Check one object's shape, keep it, and read what it means (the hot path)."""
        if type(item) is not dict:
            self._note(Severity.ERROR, "shape", index, "", "not a JSON object; skipped")
            return
        otype, ref = item.get("type"), item.get("id")
        if otype not in self.good_types or type(ref) is not str or not _id_of(otype, ref):
            problem = _shape_problem(otype, ref)
            if problem is not None or not isinstance(otype, str) or not isinstance(ref, str):
                where, why = problem or ("", "bad shape")
                self._note(Severity.ERROR, "shape", index, where, f"{why}; skipped")
                return
            self.good_types.add(otype)
            self.assembler.first_id = self.assembler.first_id or ref
        if item.get("spec_version") != "2.1" and otype not in _SCO_TYPES:
            self.v20 += 1
        if len(item) <= 3 and is_bare(item):
            self.bare.met(self._where(index))
        refs, tlp = ((), None) if "object_marking_refs" not in item and \
            "granular_markings" not in item else self._markings(index, item)
        extension = None
        if "extensions" in item:
            extension, implied = self._extension(index, item)
            if implied is not None:
                tlp = stricter(tlp, implied) if tlp else implied
        if self.floor is not None:
            tlp = stricter(tlp, self.floor) if tlp else self.floor
        obj = SourceObject(ref, otype, self._modified(index, item), item.get("revoked") is True,
                           item, tlp)
        if self.seen.met(hash(ref)):
            self._duplicate(index, obj)
        else:
            self.batch.objects.append(obj)
        handler = self.handlers.get(otype)
        if handler is not None:
            try:
                handler(self, index, obj, refs, extension)
            except (TypeError, ValueError, AttributeError, KeyError) as exc:
                self._note(Severity.WARNING, "unreadable", index, "",
                           f"kept as given, but its content could not be read ({exc!r})")

    def _markings(self, index: int, item: dict[str, Any]) -> tuple[Refs, TLP | None]:
        """The object's marking refs and the strictest TLP among them (section 7.2)."""
        listed = item.get("object_marking_refs")
        refs: Refs = ()
        if type(listed) is list and "granular_markings" not in item:
            try:
                refs = tuple(listed)
                known = self.tlp_cache.get(refs)
            except TypeError:
                known = None
        else:
            known = None
        if known is None:
            refs = tuple(marking_refs(item))
            known = self.tlp_cache.get(refs)
            if known is None:
                known = (*self.markings.strictest(refs), self.markings.unknown(refs))
                self.tlp_cache[refs] = known
        if known[1]:
            self._note(Severity.WARNING, "bogus-tlp", index, ".object_marking_refs",
                       "a known wrong AMBER+STRICT marking id (…-a254-…) is no TLP marking; "
                       "the object is handled as TLP:AMBER+STRICT")
        return refs, known[0]

    def _extension(self, index: int, item: dict[str, Any]) -> tuple[Any, TLP | None]:
        """Our extension's content and the TLP it implies (unreadable: AMBER+STRICT)."""
        extensions = item.get("extensions")
        if type(extensions) is not dict or EXTENSION_ID not in extensions:
            return None, None
        content = extensions[EXTENSION_ID]
        source, problems = read_extension(content)
        for problem in problems:
            self._note(Severity.WARNING, "handling-extension", index,
                       f".extensions.{EXTENSION_ID}",
                       f"{problem}; its case is narrowed to the importing organisation")
        if source is None or problems:
            return content, TLP.AMBER_STRICT
        return content, source.tlp

    def _modified(self, index: int, item: dict[str, Any]) -> datetime | None:
        """`modified` (or `created` for objects that are never versioned), if any."""
        key = "modified" if "modified" in item else "created"
        text = item.get(key)
        if text is None:
            return None
        if type(text) is str and text in self.stamps:
            return self.stamps[text]
        stamp = _timestamp(text)
        if len(self.stamps) >= 4096:
            self.stamps.clear()
        if stamp is not None and type(text) is str:
            self.stamps[text] = stamp
        else:
            self._note(Severity.WARNING, "timestamp", index, f".{key}",
                       f"{text!r} is not a STIX timestamp; versions of this object "
                       "cannot be compared")
        return stamp

    def _duplicate(self, index: int, obj: SourceObject) -> None:
        """An id seen before in this file: keep its newest version (ties: the first)."""
        self.assembler.duplicates.add(obj.ref)
        self._note(Severity.INFO, "duplicate", index, ".id",
                   f"{obj.ref} appears more than once in this file; the newest version "
                   "(by modified; on a tie the first) is kept")
        if not _keep_newest(self.batch.objects, obj):
            self.batch.objects.append(obj)

    def _values(self, index: int, obj: SourceObject, refs: Refs, extension: Any,
                values: list[Value], how: tuple[str, str, str], first: str | None = None,
                last: str | None = None, observed_data: bool = False) -> None:
        """Normalise an object's values (`how`: path suffix, role, comment); keep its record."""
        suffix, role, comment = how
        found: list[tuple[str, str, str, str, str]] = []
        for kind, raw, where in values:
            mark = f"{kind}\x1f{raw}"
            hit = self.cache.get(mark)
            if hit is None:
                hit = _normalised(kind, raw)
                if len(self.cache) >= _CACHE_LIMIT:
                    self.cache.clear()
                self.cache[mark] = hit
            if type(hit) is str:
                self._note(Severity.WARNING, "observable", index, suffix or f".{where}",
                           f"{where} {raw[:200]!r} is not a valid {resolve_type(kind, raw)}: "
                           f"{hit}; the object is kept without it")
            else:
                found.append((*hit, role, comment))
        if found or observed_data or obj.ref in self.assembler.duplicates:
            # a later version without values must still displace an earlier one's values
            self._record(index, obj, refs, extension, found, first, last, observed_data)

    def _record(self, index: int, obj: SourceObject, refs: Refs, extension: Any,
                occurrences: list[tuple[str, str, str, str, str]], first: str | None,
                last: str | None, observed_data: bool) -> None:
        """Keep what the object's case will need: values, TLP, times, handling."""
        stamp = obj.modified.timestamp() if obj.modified else None
        cached = self.tlp_cache.get(refs) if refs else None
        unknown = cached[2] if cached else self.markings.unknown(refs)
        self.assembler.add_values([obj.ref, index, stamp, obj.tlp.value if obj.tlp else "",
                                   unknown, first, last, extension, occurrences, observed_data])

    # --- what each kind of object means -------------------------------------------------------

    def _indicator(self, index: int, obj: SourceObject, refs: Refs, extension: Any) -> None:
        """Values of a simple STIX pattern (sections 4.7 and 9); other patterns kept as is."""
        body = obj.body
        pattern = body.get("pattern")
        values: list[Value] = []
        if body.get("pattern_type", "stix") == "stix" and isinstance(pattern, str):
            comparisons = read_pattern(pattern)
            values = pattern_values(comparisons) if comparisons is not None else []
            if comparisons is None:
                self._note(Severity.INFO, "complex-pattern", index, ".pattern",
                           "pattern kept as is: only simple comparisons (=, OR, AND on one "
                           "object) yield observables")
            elif not values:
                self._note(Severity.INFO, "unmapped-pattern", index, ".pattern",
                           "pattern kept as is: it names no value of a type we keep")
        kinds = body.get("indicator_types")
        role = kinds[0] if isinstance(kinds, list) and kinds and isinstance(kinds[0], str) \
            else "indicator"
        first = _day_text(body.get("valid_from"))
        self._values(index, obj, refs, extension, values, (".pattern", role[:64], _comment(body)),
                     first, first)

    def _sco(self, index: int, obj: SourceObject, refs: Refs, extension: Any) -> None:
        """Values of a cyber-observable object (section 6)."""
        self._values(index, obj, refs, extension, sco_values(obj.body), ("", "observed", ""))

    def _observed_data(self, index: int, obj: SourceObject, refs: Refs,
                       extension: Any) -> None:
        """Observed-data (section 4.14): its SCOs by reference, or embedded (deprecated)."""
        body = obj.body
        values: list[Value] = []
        embedded = body.get("objects")
        if isinstance(embedded, dict):
            for key, sco in embedded.items():
                if isinstance(sco, dict):
                    values += [(k, v, f"objects.{key}.{w}") for k, v, w in sco_values(sco)]
        self._values(index, obj, refs, extension, values, ("", "observed", ""),
                     _day_text(body.get("first_observed")), _day_text(body.get("last_observed")),
                     observed_data=True)
        named = _strings(body.get("object_refs"))
        if named:
            stamp = obj.modified.timestamp() if obj.modified else None
            self.assembler.add_observed_refs(obj.ref, index, stamp, named)

    def _report(self, index: int, obj: SourceObject, refs: Refs, extension: Any) -> None:
        """A report (section 4.16) or grouping (section 4.4): a case at the end of the file."""
        body = obj.body
        name = body.get("name")
        title = name.strip() if isinstance(name, str) and name.strip() else \
            f"STIX {obj.type} {obj.ref}"
        text = body.get("description")
        published = _day_text(body.get("published"))
        self.assembler.add_report(ReportRecord(
            ref=obj.ref, order=index, modified=obj.modified, revoked=obj.revoked, title=title,
            summary=text if isinstance(text, str) else "", crime=crime_type_of(body),
            published=date.fromisoformat(published) if published else None, tlp=obj.tlp,
            unknown_refs=tuple(self.markings.unknown(refs)), extension=extension,
            object_refs=tuple(_strings(body.get("object_refs"))),
        ))

    def _marking(self, index: int, obj: SourceObject, refs: Refs, extension: Any) -> None:
        """Learn TLP marking definitions with their own ids (section 7.2.1)."""
        del refs, extension
        if is_bogus_tlp_id(obj.ref):
            self._note(Severity.WARNING, "bogus-tlp", index, ".id",
                       "a known wrong AMBER+STRICT marking id (…-a254-…): not taken as TLP; "
                       "objects marked with it are handled as TLP:AMBER+STRICT")
            return
        before = obj.ref in self.markings.learned
        tlp = self.markings.learn(obj.body)
        if tlp is not None and obj.ref in self.markings.learned and not before:
            self.tlp_cache.clear()
            self._note(Severity.INFO, "custom-tlp", index, ".id",
                       f"marking definition with its own id read as {tlp.label}")

    def _entity(self, index: int, obj: SourceObject, refs: Refs, extension: Any) -> None:
        """SDOs an analyst reasons with (attack-pattern, intrusion-set, malware, …) become
        entities, under the object's own TLP."""
        del refs, extension
        entity = entity_of(obj.body, obj.ref, obj.modified, obj.revoked)
        if entity is None:
            self._note(Severity.WARNING, "unnamed-entity", index, ".name",
                       f"{obj.type} without a name: kept as given, not made an entity")
            return
        entity = replace(entity, tlp=obj.tlp, location=self._where(index))
        if obj.ref in self.assembler.duplicates and _keep_newest(self.batch.entities, entity):
            return
        self.batch.entities.append(entity)

    def _relationship(self, index: int, obj: SourceObject, refs: Refs,
                      extension: Any) -> None:
        """A relationship (section 5.1): held until the end, when both ends have landed."""
        del refs, extension
        link = relationship_of(obj.body, obj.ref, obj.modified, obj.revoked)
        if link is None:
            self._note(Severity.WARNING, "relationship", index, "",
                       "relationship without source_ref, target_ref and relationship_type: "
                       "kept as given, links nothing")
            return
        link = replace(link, tlp=obj.tlp, location=self._where(index))
        held = self.relationships.get(link.ref)
        if held is None or _newer(link.modified, held.modified):
            self.relationships[link.ref] = link


def _keep_newest(items: list[Any], item: Any) -> bool:
    """If `items` holds `item`'s ref, keep the newer of the two there (ties: the held one)."""
    for position, held in enumerate(items):
        if held.ref == item.ref:
            if _newer(item.modified, held.modified):
                items[position] = item
            return True
    return False


class KnowledgeReader:
    """STIX objects met one at a time inside another container (our JSON lines): each kept
    as a source object, entities read and markings learned; no cases, no observables."""

    def __init__(self, source_name: str, defaults: ImportDefaults) -> None:
        self._decoder = _Decoder(source_name, defaults)
        self._decoder.handlers = _KNOWLEDGE_HANDLERS

    def take(self, batch: Batch, line: int, item: dict[str, Any], tlp: TLP | None) -> None:
        """Read the object on `line` (0-based) into `batch`, handled at least as `tlp`."""
        self._decoder.batch, self._decoder.floor = batch, tlp
        self._decoder._take(line, item)

    def relationships(self) -> list[ImportedRelationship]:
        """The relationships read, to land after the cases their ends may name."""
        return list(self._decoder.relationships.values())

    def close(self) -> None:
        """Drop the scratch state."""
        self._decoder.seen.close()
        self._decoder.assembler.close()


_Handler = Any
_HANDLERS: dict[str, _Handler] = {
    **dict.fromkeys(VALUE_TYPES, _Decoder._sco),
    "indicator": _Decoder._indicator,
    "observed-data": _Decoder._observed_data,
    "report": _Decoder._report,
    "grouping": _Decoder._report,
    "marking-definition": _Decoder._marking,
    **dict.fromkeys(ENTITY_TYPES, _Decoder._entity),
    "relationship": _Decoder._relationship,
}
_KNOWLEDGE_HANDLERS: dict[str, _Handler] = {
    "marking-definition": _Decoder._marking,
    **dict.fromkeys(ENTITY_TYPES, _Decoder._entity),
    "relationship": _Decoder._relationship,
}


def _shape_problem(otype: object, ref: object) -> tuple[str, str] | None:
    """Where and why `type` or `id` is unusable (STIX 2.1 common properties, identifier)."""
    if not isinstance(otype, str):
        return ".type", "missing or non-string 'type'"
    if not _TYPE.fullmatch(otype) or "--" in otype:
        return ".type", f"type {otype[:80]!r} is not a STIX type (lowercase a-z, 0-9, '-')"
    if not isinstance(ref, str):
        return ".id", "missing or non-string 'id'"
    cut = len(otype) + 2
    if ref[:cut] != f"{otype}--" or not _UUID.fullmatch(ref, cut):
        return ".id", f"id {ref[:120]!r} is not '{otype}--<UUID>'"
    return None


def _id_of(otype: str, ref: str) -> bool:
    """True if `ref` is `<otype>--<UUID>` (the fast check; `_shape_problem` says why not)."""
    cut = len(otype) + 2
    return ref[:cut] == f"{otype}--" and _UUID.fullmatch(ref, cut) is not None


def _normalised(kind: str, raw: str) -> tuple[str, str, str] | str:
    """(type, canonical value, key) via the domain's `normalise`, or the reason it fails."""
    obs_type = resolve_type(kind, raw)
    try:
        found = normalise(obs_type, strip_full_prefix(obs_type, raw))
    except InvalidObservable as exc:
        return exc.reason
    return found.type.value, found.value, found.key


def _timestamp(text: object) -> datetime | None:
    """A STIX timestamp (RFC 3339, `Z`); digits past microseconds are dropped."""
    if not isinstance(text, str):
        return None
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        try:
            stamp = datetime.fromisoformat(_FRACTION.sub(r"\1", text))
        except ValueError:
            return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _day_text(value: object) -> str | None:
    """The date part of a timestamp as `YYYY-MM-DD`, or None."""
    if not isinstance(value, str):
        return None
    day = value[:10]
    try:
        date.fromisoformat(day)
    except ValueError:
        return None
    return day if len(day) == 10 else None


def _strings(value: object) -> list[str]:
    """The strings of a list property; anything else reads as empty."""
    return [v for v in value if isinstance(v, str)] if type(value) is list else []


def _comment(body: dict[str, Any]) -> str:
    """An occurrence's comment: the object's name, shortened."""
    name = body.get("name")
    return name[:_COMMENT_LIMIT] if isinstance(name, str) else ""


def _newer(incoming: datetime | None, held: datetime | None) -> bool:
    """A later `modified` wins; none never does (STIX 2.1 versioning, section 3)."""
    if incoming is None:
        return False
    return held is None or incoming > held
