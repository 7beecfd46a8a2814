"""CSV import (mapping, inference, grouping, located warnings, batches) and CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from cyberfusion.domain.checksums import b58check_encode
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.imports import Batch, ImportDefaults, ImportedCase, Severity
from cyberfusion.domain.model import Case, CrimeType, Occurrence
from cyberfusion.domain.observables import normalise
from cyberfusion.formats import base, csv_codec
from cyberfusion.formats.csv_codec import CsvCodec, infer_mapping
from cyberfusion.formats.csv_export import EXPORT_COLUMNS, CsvExporter

DEFAULTS = ImportDefaults(importer_org_id="unit-fr", review_by=date(2031, 1, 1))
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
BTC = b58check_encode(b"\x05" + bytes(range(100, 120)))


class OneWay(io.RawIOBase):
    """A stream that cannot seek (an upload read straight from the socket)."""

    def __init__(self, data: bytes) -> None:
        self.inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self.inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def decode(data: bytes, name: str = "feed.csv", codec: CsvCodec | None = None,
           stream: io.RawIOBase | io.BytesIO | None = None) -> list[Batch]:
    source = stream if stream is not None else io.BytesIO(data)
    return list((codec or CsvCodec()).decode(source, name, DEFAULTS))  # type: ignore[arg-type]


def cases(batches: list[Batch]) -> dict[str, ImportedCase]:
    return {c.ref: c for b in batches for c in b.cases}


def values(case: ImportedCase) -> list[tuple[str, str]]:
    return [(o.type, o.value) for o in case.draft.occurrences]


def issues(batches: list[Batch]) -> list[tuple[Severity, str, str]]:
    return [(i.severity, i.location, i.message) for b in batches for i in b.issues]


def test_header_inference() -> None:
    header = ["IP Address", "Domain Name", "SHA-256", "btc", "Case ID", "Crime", "TLP",
              "user-agent", "colour"]
    assert infer_mapping(header) == {
        "IP Address": "ip", "Domain Name": "domain", "SHA-256": "sha256", "btc": "btc_wallet",
        "Case ID": "case", "Crime": "crime_type", "TLP": "tlp", "user-agent": "user_agent"}


def test_inferred_columns_and_unknown_column_info() -> None:
    data = (b"ip,domain,url,email,md5,colour\n"
            b"192.0.2.1,evil[.]com,hxxp://evil[.]com/a,x@evil.com,"
            b"098f6bcd4621d373cade4e832627b4f6,red\n"
            b"2001:db8::1,,,,,blue\n")
    batches = decode(data)
    (case,) = cases(batches).values()
    assert values(case) == [
        ("ipv4", "192.0.2.1"), ("domain", "evil.com"), ("url", "http://evil.com/a"),
        ("email", "x@evil.com"), ("md5", "098f6bcd4621d373cade4e832627b4f6"),
        ("ipv6", "2001:db8::1")]
    assert issues(batches) == [(Severity.INFO, "feed.csv:line 1 column colour",
                                "column not mapped to an observable type or case field; ignored")]


def test_whole_file_is_one_case_named_after_the_file() -> None:
    data = b"domain\nevil.com\n"
    (case,) = cases(decode(data, "drop.csv")).values()
    assert case.ref.startswith("csv:sha256:") and len(case.ref) == len("csv:sha256:") + 64
    assert case.draft.title == "drop.csv"
    assert case.draft.handling == Handling(
        tlp=TLP.AMBER, release=frozenset({"members"}), review_by=date(2031, 1, 1))


def test_bad_values_are_located_warnings_and_the_row_still_lands() -> None:
    data = b"ip,domain,sha256\n192.0.2.1,ok.com,\n999.1.1.1,not a domain," + SHA.encode() + b"\n"
    batches = decode(data)
    (case,) = cases(batches).values()
    assert ("sha256", SHA) in values(case)
    found = [(s, loc) for s, loc, _ in issues(batches)]
    assert found == [(Severity.WARNING, "feed.csv:line 3 column ip"),
                     (Severity.WARNING, "feed.csv:line 3 column domain")]
    assert "not a valid ipv4" in issues(batches)[0][2]


def test_rows_group_into_cases_even_out_of_order() -> None:
    data = (b"case,title,ip,role,comment,tlp,country,first_seen,last_seen,crime_type\n"
            b"A,Wave one,192.0.2.1,c2,seen twice,green,FR,2024-03-01,2024-03-02,phishing\n"
            b"B,Wave two,192.0.2.2,,,amber,DE,,,\n"
            b"A,,192.0.2.3,,,red,DE;FR,2024-02-01,2024-04-01,\n")
    for stream in (None, OneWay(data)):
        found = cases(decode(data, stream=stream))
        a, b = found["csv:feed.csv#A"], found["csv:feed.csv#B"]
        assert values(a) == [("ipv4", "192.0.2.1"), ("ipv4", "192.0.2.3")]
        assert (a.draft.title, a.draft.crime_type, a.draft.handling.tlp) == (
            "Wave one", CrimeType.PHISHING, TLP.RED)
        assert a.draft.countries == ("FR", "DE")
        assert (a.draft.first_seen, a.draft.last_seen) == (date(2024, 2, 1), date(2024, 4, 1))
        first = a.draft.occurrences[0]
        assert (first.role, first.comment) == ("c2", "seen twice")
        assert values(b) == [("ipv4", "192.0.2.2")]


def test_cases_are_emitted_complete_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_codec, "BATCH_OBJECTS", 2)
    rows = [f"C{i % 5},198.51.100.{i}" for i in range(20)]
    data = ("case,ip\n" + "\n".join(rows) + "\n").encode()
    batches = decode(data)
    assert [len(b.cases) for b in batches] == [2, 2, 1]
    assert all(len(values(c)) == 4 for c in cases(batches).values())
    assert batches[-1].bytes_read == len(data)


def test_stated_mapping_and_helpers() -> None:
    data = ("Source;Hash;Pay to;Kind;Indicator\n"
            f"2001:db8::7;{SHA};{BTC};ip-dst;203.0.113.5\n"
            ";098f6bcd4621d373cade4e832627b4f6;;filename;report.pdf.exe\n").encode()
    codec = CsvCodec(mapping={"Source": "ip", "Hash": "hash", "Pay to": "wallet",
                              "Kind": "type", "Indicator": "value"})
    batches = decode(data, codec=codec)
    (case,) = cases(batches).values()
    assert values(case) == [
        ("ipv6", "2001:db8::7"), ("sha256", SHA),
        ("btc_wallet", BTC), ("ipv4", "203.0.113.5"),
        ("md5", "098f6bcd4621d373cade4e832627b4f6"), ("file_name", "report.pdf.exe")]
    assert issues(batches) == []


def test_unknown_type_in_a_type_column() -> None:
    data = b"type,value\nmutex,Global\\abc\ndomain,evil.com\n"
    batches = decode(data)
    assert values(next(iter(cases(batches).values()))) == [("domain", "evil.com")]
    assert issues(batches)[0][:2] == (Severity.WARNING, "feed.csv:line 2 column type")


def test_mapping_errors_and_files_without_observables() -> None:
    bad = decode(b"a,b\n1,2\n", codec=CsvCodec(mapping={"a": "colour"}))
    assert issues(bad) == [(Severity.ERROR, "mapping.a", "unknown target 'colour'")]
    assert cases(bad) == {}
    none = decode(b"title,summary\nx,y\n")
    assert [s for s, _, _ in issues(none)] == [Severity.ERROR]
    assert cases(decode(b"")) == {}


def test_bad_case_fields_warn() -> None:
    data = b"title,ip,tlp,country,first_seen,crime_type\nT,192.0.2.1,purple,France,2024-13-01,x\n"
    batches = decode(data)
    locations = [loc for _, loc, _ in issues(batches)]
    assert locations == [f"feed.csv:line 2 column {c}"
                         for c in ("tlp", "country", "first_seen", "crime_type")]
    (case,) = cases(batches).values()
    assert case.draft.crime_type is CrimeType.OTHER


def test_delimiters_and_bom() -> None:
    data = "\ufeffdomain\tip\nevil.com\t192.0.2.9\n".encode()
    (case,) = cases(decode(data, "feed.tsv")).values()
    assert values(case) == [("domain", "evil.com"), ("ipv4", "192.0.2.9")]


def test_sniff_and_registry() -> None:
    base.load_builtins()
    assert base.CODECS["csv"] is CsvCodec and base.EXPORTERS["csv"] is CsvExporter
    assert CsvCodec.sniff(b"", "Feed.CSV")
    assert CsvCodec.sniff(b"case,ip_address,notes\n", "upload")
    assert not CsvCodec.sniff(b"hello, world\n", "upload")
    assert not CsvCodec.sniff(b'{"ip": 1}', "upload")
    assert base.sniff(b"ip,domain\n192.0.2.1,evil.com\n", "upload.txt") is CsvCodec


# --- export ----------------------------------------------------------------------------------


def _case(case_id: int, occurrences: tuple[Occurrence, ...]) -> Case:
    handling = Handling(tlp=TLP.AMBER_STRICT, release=frozenset({"org:unit-fr"}),
                        review_by=date(2031, 1, 1))
    return Case(id=case_id, owner_org_id="unit-fr", title="=HYPERLINK(\"x\")",
                crime_type=CrimeType.BEC, summary="", handling=handling,
                countries=("FR", "BE"), occurrences=occurrences)


def _occ(otype: str, raw: str, role: str = "") -> Occurrence:
    obs = normalise(otype, raw)
    return Occurrence(obs.type.value, obs.value, obs.key, role, "seen in mail")


def test_export_rows_guard_formulas_and_round_trip() -> None:
    exported = [_case(7, (_occ("phone", "+44 20 7946 0958", "mule"),
                          _occ("domain", "evil.com"))), _case(8, ())]
    data = b"".join(CsvExporter().export(exported, base.ExportContext()))
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows[0] == list(EXPORT_COLUMNS)
    assert rows[1] == ["7", "unit-fr", "'=HYPERLINK(\"x\")", "bec", "TLP:AMBER+STRICT", "FR;BE",
                       "phone", "'+442079460958", "mule", "seen in mail"]
    assert rows[3][6:8] == ["", ""]
    back = cases(decode(data, "export.csv"))
    seven = back["csv:export.csv#7"]
    assert values(seven) == [("phone", "+442079460958"), ("domain", "evil.com")]
    assert seven.draft.handling.tlp is TLP.AMBER_STRICT
    assert (seven.draft.title, seven.draft.countries) == ("=HYPERLINK(\"x\")", ("FR", "BE"))
    assert values(back["csv:export.csv#8"]) == []


def test_export_streams_in_chunks() -> None:
    many = tuple(_occ("ipv4", f"10.0.{i // 250}.{i % 250}") for i in range(3000))
    chunks = list(CsvExporter().export([_case(1, many)], base.ExportContext()))
    assert len(chunks) >= 2
    assert b"".join(chunks).count(b"\r\n") == 3001


def test_a_row_csv_cannot_parse_ends_the_file_with_an_error() -> None:
    data = b"ip,comment\n192.0.2.1,ok\n192.0.2.2,\"" + b"x" * 200_000 + b"\"\n192.0.2.3,y\n"
    batches = decode(data)
    (case,) = cases(batches).values()
    assert values(case) == [("ipv4", "192.0.2.1")]
    ((severity, location, message),) = issues(batches)
    assert (severity, location) == (Severity.ERROR, "feed.csv:line 3 column *")
    assert "unreadable CSV" in message
