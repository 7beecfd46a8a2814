"""CSV in: a header maps each column to an observable type or a case field.

`CsvCodec(mapping={"Source IP": "ip", "Case": "case"})` states the mapping; without one it
is inferred from the header names (`ip_address`, `domain`, `sha256`, `wallet`, `title` …)
and unknown columns are reported as INFO. Targets are the observable types, the case
fields (`case`, `title`, `crime_type`, `summary`, `country`, `role`, `first_seen`,
`last_seen`, `tlp`, `comment`) and four helpers: `ip` (IPv4 or IPv6 by value), `hash`
(by length), `wallet` (by checksum) and a `type` + `value` pair of columns.

Rows group into cases by the `case` column (else `title`); without either the file is
one case. A seekable file is read twice: first the case column only, to learn each
case's last row, so that every case is emitted complete as soon as its last row is read
and memory stays bounded whatever the row order. A bad cell is a WARNING located
`file.csv:line 12 column domain`; the rest of its row still lands.

Out is `csv_export.CsvExporter`; the leading `'` it puts before a cell a spreadsheet would
run as a formula is removed again here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from cyberfusion.domain.handling import TLP, parse_tlp
from cyberfusion.domain.imports import (
    Batch,
    ImportDefaults,
    ImportedCase,
    ImportIssue,
    Severity,
    handling_for,
    stricter,
)
from cyberfusion.domain.model import CaseDraft, CrimeType, Occurrence
from cyberfusion.domain.observables import Observable, ObservableType, guess_type, normalise
from cyberfusion.errors import InvalidInput
from cyberfusion.formats.base import (
    BATCH_OBJECTS,
    Codec,
    register_codec,
)

T = ObservableType
CASE_FIELDS = ("case", "title", "crime_type", "summary", "country", "role", "first_seen",
               "last_seen", "tlp", "comment")
HELPERS = ("ip", "hash", "wallet", "type", "value", "ignore")
MAX_OBSERVABLES = 100_000
#: First characters a spreadsheet evaluates as a formula (guarded on export, unguarded here).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_WALLETS = (T.BTC_WALLET, T.ETH_WALLET, T.XMR_WALLET)
_HEX_LENGTHS = {32: T.MD5, 40: T.SHA1, 64: T.SHA256, 128: T.SHA512}

# Header names (lower-case, `_` for spaces and hyphens) and what they mean.
HEADER_NAMES: dict[str, str] = {
    **{t.value: t.value for t in ObservableType},
    **{name: name for name in (*CASE_FIELDS, *HELPERS[:5])},
    **dict.fromkeys(("ip_address", "ipaddress", "ip_addr", "src_ip", "dst_ip", "source_ip",
                     "destination_ip", "dest_ip", "ip_src", "ip_dst", "remote_ip"), "ip"),
    **dict.fromkeys(("network", "subnet", "netblock", "ip_range"), "cidr"),
    **dict.fromkeys(("domain_name", "hostname", "host", "fqdn"), "domain"),
    **dict.fromkeys(("uri", "link"), "url"),
    **dict.fromkeys(("e_mail", "email_address", "mail", "sender"), "email"),
    **dict.fromkeys(("sha_1",), "sha1"), **dict.fromkeys(("sha_256",), "sha256"),
    **dict.fromkeys(("file_hash", "filehash", "checksum"), "hash"),
    **dict.fromkeys(("filename", "file"), "file_name"),
    **dict.fromkeys(("crypto_wallet", "wallet_address", "crypto_address"), "wallet"),
    **dict.fromkeys(("btc", "bitcoin", "btc_address", "bitcoin_address"), "btc_wallet"),
    **dict.fromkeys(("eth", "ethereum", "eth_address", "ethereum_address"), "eth_wallet"),
    **dict.fromkeys(("xmr", "monero", "xmr_address", "monero_address"), "xmr_wallet"),
    **dict.fromkeys(("phone_number", "telephone", "tel", "msisdn", "mobile"), "phone"),
    **dict.fromkeys(("user", "handle", "screen_name", "user_name", "account"), "username"),
    **dict.fromkeys(("as", "as_number", "autonomous_system"), "asn"),
    **dict.fromkeys(("ja3_hash", "ja3_fingerprint"), "ja3"),
    **dict.fromkeys(("useragent", "ua", "http_user_agent"), "user_agent"),
    **dict.fromkeys(("case_id", "case_ref", "incident", "incident_id", "event_id"), "case"),
    **dict.fromkeys(("case_title", "subject"), "title"),
    **dict.fromkeys(("crime", "category"), "crime_type"),
    **dict.fromkeys(("description",), "summary"),
    **dict.fromkeys(("countries", "country_code"), "country"),
    **dict.fromkeys(("firstseen", "first_seen_date"), "first_seen"),
    **dict.fromkeys(("lastseen", "last_seen_date"), "last_seen"),
    **dict.fromkeys(("indicator_type", "ioc_type", "observable_type"), "type"),
    **dict.fromkeys(("indicator", "ioc", "observable"), "value"),
    **dict.fromkeys(("comments", "note", "notes", "context"), "comment"),
}  # fmt: skip

# Values of a `type` column: our type names, MISP attribute types, STIX-ish names.
TYPE_NAMES: dict[str, str] = {
    **{t.value: t.value for t in ObservableType},
    **dict.fromkeys(("ip", "ip-src", "ip-dst", "ip-address", "ip_address"), "ip"),
    "ipv4-addr": "ipv4", "ipv6-addr": "ipv6", "ip-src|port": "ip", "ip-dst|port": "ip",
    **dict.fromkeys(("hostname", "domain-name", "fqdn"), "domain"),
    **dict.fromkeys(("uri", "link", "url"), "url"),
    **dict.fromkeys(("email-src", "email-dst", "email-addr", "e-mail"), "email"),
    **dict.fromkeys(("filename", "file", "file-name"), "file_name"),
    **dict.fromkeys(("btc", "bitcoin"), "btc_wallet"), **dict.fromkeys(("xmr", "monero"),
                                                                       "xmr_wallet"),
    **dict.fromkeys(("eth", "ethereum"), "eth_wallet"),
    **dict.fromkeys(("phone-number", "telephone"), "phone"),
    **dict.fromkeys(("as", "autonomous-system"), "asn"),
    "ja3-fingerprint-md5": "ja3", "user-agent": "user_agent", "hash": "hash", "wallet": "wallet",
}  # fmt: skip


def header_key(name: str) -> str:
    """A header name as looked up: lower-case, spaces and hyphens as `_`."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def infer_mapping(header: Iterable[str]) -> dict[str, str]:
    """Column name -> target for every header name that is recognised."""
    found: dict[str, str] = {}
    for name in header:
        target = HEADER_NAMES.get(header_key(name))
        if target is not None:
            found[name] = target
    return found


def typed(target: str, raw: str) -> Observable:
    """Normalise `raw` for a column target (a type or the `ip`/`hash`/`wallet` helpers)."""
    if target == "ip":
        return normalise(T.IPV6 if ":" in raw else T.IPV4, raw)
    if target == "hash":
        return normalise(_HEX_LENGTHS.get(len(raw.strip()), T.SHA256), raw)
    if target == "wallet":
        guessed = guess_type(raw)
        return normalise(guessed if guessed in _WALLETS else T.BTC_WALLET, raw)
    return normalise(target, raw)


def unguard(cell: str) -> str:
    """A cell without the `'` that guards formula-like text (added by the exporter)."""
    text = cell.strip()
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


@dataclass
class _Builder:
    """Accumulates the rows of one case."""

    key: str
    title: str = ""
    crime_type: CrimeType = CrimeType.OTHER
    summary: str = ""
    countries: dict[str, None] = field(default_factory=dict)
    first_seen: date | None = None
    last_seen: date | None = None
    tlp: TLP | None = None
    found: dict[str, Occurrence] = field(default_factory=dict)
    capped: bool = False

    def add(self, obs: Observable, role: str, comment: str) -> bool:
        """Keep the first occurrence of each key; False once the case is full."""
        if obs.key in self.found:
            return True
        if len(self.found) >= MAX_OBSERVABLES:
            return False
        self.found[obs.key] = Occurrence(obs.type.value, obs.value, obs.key, role, comment)
        return True

    def case(self, ref: str, title: str, defaults: ImportDefaults) -> ImportedCase:
        """The finished case with its ref, title fallback and handling."""
        draft = CaseDraft(
            title=(self.title or title)[:300], crime_type=self.crime_type,
            summary=self.summary, handling=handling_for(defaults, self.tlp),
            countries=tuple(self.countries), first_seen=self.first_seen,
            last_seen=self.last_seen, occurrences=tuple(self.found.values()),
        )
        return ImportedCase(ref=ref, modified=None, revoked=False, draft=draft)


class _Counting(io.RawIOBase):
    """A byte stream that counts and hashes what is read through it."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.count = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        """Always readable."""
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        self.digest.update(data)
        return len(data)


_OBSERVABLE_TARGETS = frozenset({t.value for t in ObservableType} | {"ip", "hash", "wallet"})
_DELIMITERS = ",;\t|"


def _delimiter(line: str) -> str:
    """The likeliest delimiter of a header line (comma unless another is more frequent)."""
    return max(_DELIMITERS, key=lambda d: (line.count(d), d == ","))


@dataclass(frozen=True)
class _Plan:
    """Which column feeds what: observables, case fields, the grouping key."""

    names: list[str]
    columns: list[tuple[int, str]]
    group: int | None
    type_col: int | None
    value_col: int | None

    def key(self, row: list[str]) -> str:
        """The grouping value of a row ("" when the file is one case)."""
        if self.group is None or self.group >= len(row):
            return ""
        return row[self.group].strip()

    def cell(self, row: list[str], col: int | None) -> str:
        """A cell of the row, unguarded and stripped ("" when absent)."""
        return unguard(row[col]) if col is not None and col < len(row) else ""


def _target(name: str) -> str | None:
    """A mapping target as stated (or a synonym of one), else None."""
    if name in _OBSERVABLE_TARGETS or name in CASE_FIELDS or name in HELPERS:
        return name
    return HEADER_NAMES.get(header_key(name))


def _where(source: str, line: int, column: str) -> str:
    return f"{source}:line {line} column {column}"


class _Reader:
    """Decodes rows for one pass over the file and collects located issues."""

    def __init__(self, codec: CsvCodec, source: str, issues: list[ImportIssue]) -> None:
        self.codec = codec
        self.source = source
        self.issues = issues

    def warn(self, severity: Severity, where: str, message: str) -> None:
        """Record a located issue."""
        self.issues.append(ImportIssue(severity, where, message))

    def open(self, stream: io.RawIOBase) -> tuple[Iterator[tuple[int, list[str]]], list[str]]:
        """Rows (with line numbers) after the header, and the header; empty if no header."""
        text = io.TextIOWrapper(io.BufferedReader(stream), encoding="utf-8-sig",
                                errors="replace", newline="")
        first = text.readline()
        delimiter = self.codec.delimiter or _delimiter(first)
        reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
        try:
            header = next(reader, [])
        except csv.Error as exc:
            self.warn(Severity.ERROR, _where(self.source, 1, "*"), f"unreadable CSV: {exc}")
            return iter(()), []
        return self._rows(reader), [name.strip() for name in header]

    def _rows(self, reader: Any) -> Iterator[tuple[int, list[str]]]:
        """Non-blank rows with their line numbers; a row csv cannot parse ends the file."""
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield reader.line_num, row
        except csv.Error as exc:
            self.warn(Severity.ERROR, _where(self.source, reader.line_num, "*"),
                      f"unreadable CSV from here on: {exc}")

    def plan(self, header: list[str]) -> _Plan | None:
        """The column plan, or None (with an ERROR) when nothing maps to observables."""
        if not any(header):
            if not self.issues:
                self.warn(Severity.ERROR, self.source, "empty file: a header row is required")
            return None
        stated = self.codec.mapping
        mapping = infer_mapping(header) if stated is None else self._stated(stated)
        if mapping is None:
            return None
        folded = {header_key(k): v for k, v in mapping.items()}
        columns: list[tuple[int, str]] = []
        for col, name in enumerate(header):
            target = mapping.get(name) or folded.get(header_key(name))
            if target is None or target == "ignore":
                self.warn(Severity.INFO, _where(self.source, 1, name or f"#{col + 1}"),
                          "column not mapped to an observable type or case field; ignored")
            else:
                columns.append((col, target))
        return self._checked(header, columns)

    def _stated(self, stated: dict[str, str]) -> dict[str, str] | None:
        mapping: dict[str, str] = {}
        for column, name in stated.items():
            target = _target(name)
            if target is None:
                self.warn(Severity.ERROR, f"mapping.{column}", f"unknown target {name!r}")
            else:
                mapping[column] = target
        return mapping if len(mapping) == len(stated) else None

    def _checked(self, header: list[str], columns: list[tuple[int, str]]) -> _Plan | None:
        by_target = {target: col for col, target in reversed(columns)}
        pair = "type" in by_target and "value" in by_target
        if not pair and not any(t in _OBSERVABLE_TARGETS for _, t in columns):
            self.warn(Severity.ERROR, _where(self.source, 1, ",".join(header)[:200]),
                      "no column holds observables: name them (ip, domain, url, sha256 …), "
                      "use type and value columns, or give a mapping")
            return None
        group = by_target.get("case", by_target.get("title"))
        return _Plan(header, columns, group, by_target.get("type"), by_target.get("value"))

    def row(self, plan: _Plan, line: int, row: list[str], builder: _Builder) -> None:
        """Apply one row to its case: case fields first, then each observable cell."""
        role = plan.cell(row, next((c for c, t in plan.columns if t == "role"), None))
        comment = plan.cell(row, next((c for c, t in plan.columns if t == "comment"), None))
        for col, target in plan.columns:
            cell = plan.cell(row, col)
            if not cell or target in ("case", "role", "comment", "type", "value"):
                continue
            where = _where(self.source, line, plan.names[col])
            if target in CASE_FIELDS:
                self.field(builder, target, cell, where)
            else:
                self.observable(builder, target, cell, role, comment, where)
        if plan.type_col is not None and plan.value_col is not None:
            self.pair(plan, line, row, builder, role, comment)

    def pair(self, plan: _Plan, line: int, row: list[str], builder: _Builder, role: str,
             comment: str) -> None:
        """An observable from a `type` + `value` pair of columns."""
        value = plan.cell(row, plan.value_col)
        kind = plan.cell(row, plan.type_col)
        if not value:
            return
        assert plan.type_col is not None and plan.value_col is not None
        target = TYPE_NAMES.get(kind.lower())
        if target is None:
            self.warn(Severity.WARNING, _where(self.source, line, plan.names[plan.type_col]),
                      f"unknown observable type {kind!r}")
            return
        where = _where(self.source, line, plan.names[plan.value_col])
        self.observable(builder, target, value, role, comment, where)

    def observable(self, builder: _Builder, target: str, cell: str, role: str, comment: str,
                   where: str) -> None:
        """Normalise one cell and add it to the case, or warn where it is."""
        try:
            obs = typed(target, cell)
        except InvalidInput as exc:
            self.warn(Severity.WARNING, where, exc.detail)
            return
        if not builder.add(obs, role[:64], comment[:1000]) and not builder.capped:
            builder.capped = True
            self.warn(Severity.WARNING, where,
                      f"case {builder.key!r} has {MAX_OBSERVABLES} observables; more are dropped")

    def field(self, builder: _Builder, target: str, cell: str, where: str) -> None:
        """Set a case field from a cell; a bad value is a WARNING and the field stays."""
        try:
            _FIELDS[target](builder, cell)
        except (ValueError, InvalidInput):
            self.warn(Severity.WARNING, where, f"{cell[:80]!r} is not a valid {target}")


def _set_title(b: _Builder, cell: str) -> None:
    b.title = b.title or cell


def _set_summary(b: _Builder, cell: str) -> None:
    b.summary = b.summary or cell[:100_000]


def _set_crime(b: _Builder, cell: str) -> None:
    b.crime_type = CrimeType(header_key(cell))


def _set_countries(b: _Builder, cell: str) -> None:
    codes = [c.upper() for c in cell.replace(";", " ").replace(",", " ").replace("|", " ").split()]
    if not all(len(c) == 2 and c.isalpha() for c in codes):
        raise ValueError(cell)
    b.countries.update(dict.fromkeys(codes))


def _set_first(b: _Builder, cell: str) -> None:
    day = date.fromisoformat(cell[:10])
    b.first_seen = min(day, b.first_seen) if b.first_seen else day


def _set_last(b: _Builder, cell: str) -> None:
    day = date.fromisoformat(cell[:10])
    b.last_seen = max(day, b.last_seen) if b.last_seen else day


def _set_tlp(b: _Builder, cell: str) -> None:
    label = parse_tlp(cell)
    b.tlp = stricter(b.tlp, label) if b.tlp else label


_FIELDS = {"title": _set_title, "summary": _set_summary, "crime_type": _set_crime,
           "country": _set_countries, "first_seen": _set_first, "last_seen": _set_last,
           "tlp": _set_tlp}


@register_codec
class CsvCodec(Codec):
    """CSV with a header row; columns map to observable types and case fields."""

    name = "csv"
    title = "CSV (a header names each column: ip, domain, sha256 … and case fields)"
    extensions = (".csv", ".tsv")
    media_types = ("text/csv", "text/tab-separated-values")

    def __init__(self, mapping: dict[str, str] | None = None,
                 delimiter: str | None = None) -> None:
        self.mapping = mapping
        self.delimiter = delimiter

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """By extension, or a first line with delimiters and a recognised column name."""
        if filename.lower().endswith(cls.extensions):
            return True
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff").strip()
        if not first or first[0] in "{[<" or first.startswith("%PDF"):
            return False
        names = next(csv.reader([first], delimiter=_delimiter(first)), [])
        targets = {HEADER_NAMES.get(header_key(n)) for n in names}
        return len(names) >= 2 and bool(targets & (_OBSERVABLE_TARGETS | {"type"}))

    def decode(self, stream: BinaryIO, source_name: str,
               defaults: ImportDefaults) -> Iterator[Batch]:
        """Yield batches of complete cases; bad cells become located warnings."""
        last: dict[str, int] | None = None
        if stream.seekable():
            start = stream.tell()
            last = self._last_rows(stream, source_name)
            stream.seek(start)
        yield from self._decode(stream, source_name, defaults, last)

    def _last_rows(self, stream: BinaryIO, source: str) -> dict[str, int]:
        """First pass: the index of each case's last row."""
        reader = _Reader(self, source, [])
        rows, header = reader.open(_Counting(stream))
        plan = reader.plan(header)
        last: dict[str, int] = {}
        if plan is not None and plan.group is not None:
            for index, (_, row) in enumerate(rows):
                last[plan.key(row)] = index
        return last

    def _decode(self, stream: BinaryIO, source: str, defaults: ImportDefaults,
                last: dict[str, int] | None) -> Iterator[Batch]:
        counting = _Counting(stream)
        batch = Batch()
        reader = _Reader(self, source, batch.issues)
        rows, header = reader.open(counting)
        plan = reader.plan(header)
        open_cases: dict[str, _Builder] = {}
        held = 0  # occurrences in the batch: a batch of big cases is handed out sooner
        for index, (line, row) in enumerate(rows if plan is not None else ()):
            assert plan is not None
            key = plan.key(row)
            builder = open_cases.setdefault(key, _Builder(key))
            reader.row(plan, line, row, builder)
            if last is not None and last.get(key) == index:
                batch.cases.append(self._finish(open_cases.pop(key), source, counting, defaults))
                held += len(batch.cases[-1].draft.occurrences)
            if len(batch.cases) >= BATCH_OBJECTS or held >= BATCH_OBJECTS * 10:
                batch.bytes_read = counting.count
                yield batch
                batch, held = Batch(), 0
                reader.issues = batch.issues
        for builder in open_cases.values():
            batch.cases.append(self._finish(builder, source, counting, defaults))
        batch.bytes_read = counting.count
        yield batch

    def _finish(self, builder: _Builder, source: str, counting: _Counting,
                defaults: ImportDefaults) -> ImportedCase:
        if builder.key:
            return builder.case(f"csv:{source}#{builder.key}", builder.key, defaults)
        ref = f"csv:sha256:{counting.digest.hexdigest()}"
        return builder.case(ref, source or "CSV import", defaults)
