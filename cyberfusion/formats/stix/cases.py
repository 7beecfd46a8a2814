"""Turning reports, and the observables no report claims, into cases at the end of a file.

A report (STIX 2.1 section 4.16, docs.oasis-open.org/cti/stix/v2.1/os) or a grouping
(section 4.4) may name its objects before or after they appear, so the decoder keeps a
small record per object that yields observables (id, version, TLP, times, values) in a
spill file that lives in memory while small and on disk when large; whole objects are never
kept. `finish` reads the records back and emits one case per report, plus synthetic cases
for the observables of indicators, observed-data and SCOs that no report names.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import orjson

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.imports import ImportDefaults, ImportedCase, handling_for
from cyberfusion.domain.model import CaseDraft, CrimeType, Occurrence
from cyberfusion.formats.stix.extension import combine, fail_closed, read_extension
from cyberfusion.formats.stix.mapping import ENTITY_TYPES
from cyberfusion.formats.stix.markings import MarkingIndex, strictest_of

_TLPS = {t.value: t for t in TLP}
#: Most observables in one synthetic case; more go to further parts (`…:2`, `…:3`).
PART_OBSERVABLES = 20_000
_SPILL_IN_MEMORY = 4 << 20
_TITLE_LIMIT = 300
_SUMMARY_LIMIT = 100_000


@dataclass(slots=True)
class ReportRecord:
    """What a case needs from a report or grouping; its body has gone out already."""

    ref: str
    order: int
    modified: datetime | None
    revoked: bool
    title: str
    summary: str
    crime: CrimeType
    published: date | None
    tlp: TLP | None
    unknown_refs: tuple[str, ...]
    extension: Any
    object_refs: tuple[str, ...]


@dataclass(slots=True)
class ValueRecord:
    """An object that yields observables (or an observed-data), as kept until the end."""

    ref: str
    order: int
    stamp: float | None
    tlp: TLP | None
    unknown_refs: list[str]
    first: str | None
    last: str | None
    extension: Any
    occurrences: list[list[str]]
    observed_data: bool = False

    @classmethod
    def from_row(cls, row: list[Any]) -> ValueRecord:
        """Read back one spill line."""
        return cls(row[0], row[1], row[2], _TLPS.get(row[3]), row[4], row[5], row[6], row[7],
                   row[8], row[9])


class _Spill:
    """Append-only JSON-lines scratch file: in memory while small, on disk beyond that."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=_SPILL_IN_MEMORY)  # noqa: SIM115
        self._pending = bytearray()
        self.rows = 0

    def add(self, row: list[Any]) -> None:
        """Append one row (written out in blocks of about 256 KiB)."""
        self._pending += orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE)
        self.rows += 1
        if len(self._pending) >= 1 << 18:
            self._write()

    def _write(self) -> None:
        """Move the pending rows to the file."""
        self._file.write(self._pending)
        self._pending = bytearray()

    def __iter__(self) -> Iterator[list[Any]]:
        self._write()
        self._file.seek(0)
        for line in self._file:
            yield orjson.loads(line)
        self._file.seek(0, 2)

    def close(self) -> None:
        """Drop the file."""
        self._file.close()


@dataclass
class _Gathered:
    """Occurrences, members, labels, times and source handlings gathered for one case."""

    occurrences: dict[str, Occurrence] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)
    tlp: TLP | None = None
    extensions: dict[bytes, Any] = field(default_factory=dict)
    first: str | None = None
    last: str | None = None
    stamp: float | None = None

    def add(self, rec: ValueRecord, tlp: TLP | None, words: dict[str, str]) -> None:
        """Take in one record; `words` keeps one copy of repeated short strings."""
        for obs_type, value, key, role, comment in rec.occurrences:
            if key not in self.occurrences:
                self.occurrences[key] = Occurrence(words.setdefault(obs_type, obs_type), value,
                                                   key, words.setdefault(role, role), comment)
        self.tlp = strictest_of([self.tlp, tlp])
        if rec.extension is not None:
            self.extensions.setdefault(orjson.dumps(rec.extension), rec.extension)
        if rec.first and (self.first is None or rec.first < self.first):
            self.first = rec.first
        if rec.last and (self.last is None or rec.last > self.last):
            self.last = rec.last
        if rec.stamp is not None and (self.stamp is None or rec.stamp > self.stamp):
            self.stamp = rec.stamp


Owners = int | list[int]
"""The report(s) that claim an object: one index, or several."""


class CaseAssembler:
    """Collects records while a file streams; builds its cases when it has been read."""

    def __init__(self, source_name: str, defaults: ImportDefaults,
                 markings: MarkingIndex) -> None:
        self.source_name = source_name
        self.defaults = defaults
        self.markings = markings
        self.reports: dict[str, ReportRecord] = {}
        self.duplicates: set[str] = set()
        self.first_id = ""
        self._values = _Spill()
        self._observed = _Spill()
        self._words: dict[str, str] = {}

    def add_report(self, rec: ReportRecord) -> None:
        """Keep the newest version of each report (ties: the first seen)."""
        held = self.reports.get(rec.ref)
        if held is None or _newer(rec.modified, held.modified):
            self.reports[rec.ref] = rec

    def add_values(self, row: list[Any]) -> None:
        """Keep one object's row (the fields of `ValueRecord`, in order) for the end."""
        self._values.add(row)

    def add_observed_refs(self, ref: str, order: int, stamp: float | None,
                          refs: list[str]) -> None:
        """Keep which SCOs an observed-data names (section 4.14, `object_refs`)."""
        self._observed.add([ref, order, stamp, refs])

    def close(self) -> None:
        """Drop the scratch files."""
        self._values.close()
        self._observed.close()

    def finish(self) -> Iterator[ImportedCase]:
        """One case per report or grouping, then the synthetic case(s) of unclaimed values."""
        reports = sorted(self.reports.values(), key=lambda r: r.order)
        claims: dict[str, Owners] = {}
        for index, report in enumerate(reports):
            for ref in report.object_refs:
                claims[ref] = _merge(claims.get(ref), index)
        current = self._current() if self.duplicates else {}
        extra = self._expand(claims, current, len(reports))
        gathered = [_Gathered() for _ in reports]
        loose, part = _Gathered(), 1
        for row in self._values:
            rec = ValueRecord.from_row(row)
            if current.get(rec.ref, rec.order) != rec.order:
                continue
            tlp = self._tlp(rec.tlp, rec.unknown_refs)
            owners = claims.get(rec.ref)
            if owners is not None:
                for index in _indexes(owners):
                    gathered[index].add(rec, tlp, self._words)
                continue
            if rec.occurrences or rec.observed_data:
                loose.add(rec, tlp, self._words)
                loose.members.append(rec.ref)
            if len(loose.occurrences) >= PART_OBSERVABLES:
                yield self._synthetic(loose, part)
                loose, part = _Gathered(), part + 1
        for index, report in enumerate(reports):
            yield self._report_case(report, gathered[index], extra[index])
        if loose.occurrences:
            yield self._synthetic(loose, part)

    def _current(self) -> dict[str, int]:
        """For ids met more than once: the order of the newest version (ties: the first)."""
        best: dict[str, tuple[float, int]] = {}
        for spill in (self._values, self._observed):
            for row in spill:
                ref, order, stamp = row[0], row[1], row[2]
                if ref in self.duplicates:
                    key = float("-inf") if stamp is None else stamp
                    held = best.get(ref)
                    if held is None or key > held[0]:
                        best[ref] = (key, order)
        return {ref: order for ref, (_, order) in best.items()}

    def _expand(self, claims: dict[str, Owners], current: dict[str, int],
                count: int) -> list[list[str]]:
        """A report that names an observed-data also claims the SCOs that one names."""
        extra: list[list[str]] = [[] for _ in range(count)]
        for ref, order, _, refs in self._observed:
            owners = claims.get(ref)
            if owners is None or current.get(ref, order) != order:
                continue
            for index in _indexes(owners):
                extra[index].extend(refs)
                for sco in refs:
                    claims[sco] = _merge(claims.get(sco), index)
        return extra

    def _tlp(self, tlp: TLP | None, unknown_refs: list[str]) -> TLP | None:
        """The record's TLP with markings defined later in the file taken into account."""
        if not unknown_refs:
            return tlp
        late, _ = self.markings.strictest(unknown_refs)
        return strictest_of([tlp, late])

    def _handling(self, tlps: list[TLP | None], extensions: list[Any]) -> Handling:
        """Defaults never wider than the strictest TLP; our extension's fields combined."""
        importer = self.defaults.importer_org_id
        handling = handling_for(self.defaults, strictest_of(tlps))
        unreadable = False
        for content in extensions:
            source, problems = read_extension(content)
            if source is None or problems:
                unreadable = True
            else:
                handling = combine(handling, source, importer)
        return fail_closed(handling, importer) if unreadable else handling

    def _report_case(self, report: ReportRecord, gathered: _Gathered,
                     extra: list[str]) -> ImportedCase:
        """The case of one report: its title and text, the values of what it names."""
        own_tlp = self._tlp(report.tlp, list(report.unknown_refs))
        extensions = [report.extension] if report.extension is not None else []
        handling = self._handling([own_tlp, gathered.tlp],
                                  extensions + list(gathered.extensions.values()))
        first = _day(gathered.first) or report.published
        last = _day(gathered.last) or report.published
        draft = CaseDraft(
            title=report.title[:_TITLE_LIMIT], crime_type=report.crime,
            summary=report.summary[:_SUMMARY_LIMIT], handling=handling,
            first_seen=first, last_seen=max(last, first) if last and first else last,
            occurrences=tuple(gathered.occurrences.values()),
        )
        members = _unique([report.ref, *report.object_refs, *extra])
        entities = tuple(r for r in report.object_refs if r.partition("--")[0] in ENTITY_TYPES)
        return ImportedCase(report.ref, report.modified, report.revoked, draft, members, entities)

    def _synthetic(self, gathered: _Gathered, part: int) -> ImportedCase:
        """The case of values no report names: one per file (more parts when very large)."""
        seed = f"{self.source_name}\x1f{self.first_id}".encode()
        ref = f"stix-file:{hashlib.sha256(seed).hexdigest()[:32]}"
        title = f"STIX objects from {self.source_name}"
        if part > 1:
            ref, title = f"{ref}:{part}", f"{title} (part {part})"
        first, last = _day(gathered.first), _day(gathered.last)
        draft = CaseDraft(
            title=title[:_TITLE_LIMIT], crime_type=CrimeType.OTHER,
            summary=f"Observables of {len(gathered.members)} STIX objects in "
                    f"{self.source_name} that no report names.",
            handling=self._handling([gathered.tlp], list(gathered.extensions.values())),
            first_seen=first, last_seen=last, occurrences=tuple(gathered.occurrences.values()),
        )
        modified = _from_stamp(gathered.stamp)
        return ImportedCase(ref, modified, False, draft, tuple(_unique(gathered.members)))


def _merge(held: Owners | None, index: int) -> Owners:
    """Add a report index to an object's owners."""
    if held is None:
        return index
    if isinstance(held, int):
        return held if held == index else [held, index]
    if index not in held:
        held.append(index)
    return held


def _indexes(owners: Owners) -> list[int]:
    """The report indexes of an owners entry."""
    return [owners] if isinstance(owners, int) else owners


def _unique(refs: list[str]) -> tuple[str, ...]:
    """Refs without repeats, in first-seen order."""
    return tuple(dict.fromkeys(refs))


def _newer(incoming: datetime | None, held: datetime | None) -> bool:
    """A later `modified` wins; none never does (STIX 2.1 versioning, section 3)."""
    if incoming is None:
        return False
    return held is None or incoming > held


def _day(text: str | None) -> date | None:
    """`YYYY-MM-DD` text as a date."""
    return date.fromisoformat(text) if text else None


def _from_stamp(stamp: float | None) -> datetime | None:
    """A POSIX time back as an aware datetime."""
    return datetime.fromtimestamp(stamp, UTC) if stamp is not None else None
