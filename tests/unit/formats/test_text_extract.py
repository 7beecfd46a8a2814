"""Free-text extraction: every type fanged and defanged, context, guards, peers' labelled sets."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberfusion.domain.checksums import (
    b58check_encode,
    eip55_checksum,
    iban_check_digits,
    monero_encode,
    segwit_encode,
)
from cyberfusion.domain.observables import ObservableType, normalise
from cyberfusion.formats.text import Extracted, ExtractOptions, extract
from cyberfusion.formats.text.extract import context_of

T = ObservableType
EXT = Path("/work/shared/data/ext")
BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_extract.py"

# Checksummed values made here (not copied from anywhere).
BTC_P2PKH = b58check_encode(b"\x00" + bytes(range(40, 60)))
BTC_SEGWIT = segwit_encode("bc", 0, bytes(range(20)))
ETH = eip55_checksum("3b6d0c1c9e1e6f4ab8cc3e7d2c9f1e5a7d4b2c81")
XMR = monero_encode(b"\x12" + bytes(range(64)))
IBAN_DE = "DE" + iban_check_digits("DE", "370400440532013000") + "370400440532013000"
SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SHA1 = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"
MD5 = "098f6bcd4621d373cade4e832627b4f6"
SHA512 = "ee26b0dd4af7e749aa1a8ee3c10ae9923f618980772e473f8819a5d4940e0db2" * 2


def pairs(text: str, **options: bool) -> set[tuple[ObservableType, str]]:
    """(type, value) of everything extracted from `text`."""
    return {(e.type, e.value) for e in extract(text, ExtractOptions(**options))}


def only(text: str, otype: ObservableType) -> list[str]:
    return [e.value for e in extract(text) if e.type is otype]


def test_every_type_in_one_report() -> None:
    report = (
        f"The loader phoned home to https://update-check.example.net/gate.php?id=7 and "
        f"203.0.113.45, then 2001:db8:4::17. Its range is 198.51.100.0/24. "
        f"Mail came from billing@invoices-example.org. Sample {MD5} (md5), {SHA1}, "
        f"{SHA256} and {SHA512}. ssdeep 3072:kLm9Qw2ErT5yU7iO0pAsDfGhJkLzXcVbNm:kLm9Qw2ErT5y. "
        f"It dropped payroll_2024.xlsm. Pay {BTC_P2PKH}, {BTC_SEGWIT}, {ETH} or {XMR}. "
        f"Mule account {IBAN_DE}. Call +44 20 7946 0958 or ask @shadow_broker_x on Telegram. "
        f"Hosted in AS64501. JA3 e7d705a3286e19ea42f587b344ee6865 was seen with "
        f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/120.0.0.0 Safari/537.36 as its user agent."
    )
    found = pairs(report)
    expected = {
        (T.URL, "https://update-check.example.net/gate.php?id=7"),
        (T.DOMAIN, "update-check.example.net"), (T.IPV4, "203.0.113.45"),
        (T.IPV6, "2001:db8:4::17"), (T.CIDR, "198.51.100.0/24"),
        (T.EMAIL, "billing@invoices-example.org"), (T.DOMAIN, "invoices-example.org"),
        (T.MD5, MD5), (T.SHA1, SHA1), (T.SHA256, SHA256), (T.SHA512, SHA512),
        (T.SSDEEP, "3072:kLm9Qw2ErT5yU7iO0pAsDfGhJkLzXcVbNm:kLm9Qw2ErT5y"),
        (T.FILE_NAME, "payroll_2024.xlsm"), (T.BTC_WALLET, BTC_P2PKH),
        (T.BTC_WALLET, BTC_SEGWIT), (T.ETH_WALLET, ETH), (T.XMR_WALLET, XMR),
        (T.IBAN, IBAN_DE), (T.PHONE, "+442079460958"), (T.USERNAME, "shadow_broker_x"),
        (T.ASN, "AS64501"), (T.JA3, "e7d705a3286e19ea42f587b344ee6865"),
        (T.USER_AGENT, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                       "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"),
    }  # fmt: skip
    assert expected <= found, expected - found
    assert {t for t, _ in found} == set(ObservableType)


@pytest.mark.parametrize(
    ("text", "otype", "value"),
    [
        ("C2: hxxp[:]//evil-host[.]com/panel", T.URL, "http://evil-host.com/panel"),
        ("C2: hXXps://evil-host(.)com/x", T.URL, "https://evil-host.com/x"),
        ("C2: h**p://evil-host.com/x", T.URL, "http://evil-host.com/x"),
        ("C2: hxxps[://]evil-host[.]com/x", T.URL, "https://evil-host.com/x"),
        ('{"u": "http:\\/\\/evil-host.com\\/x"}', T.URL, "http://evil-host.com/x"),
        ("drop at fxp://files.evil-host.com/a.bin", T.URL, "ftp://files.evil-host.com/a.bin"),
        ("the gate evil-host[.]com/gate.php answers", T.URL, "http://evil-host.com/gate.php"),
        ("the gate http://evil-host[.com/x answers", T.URL, "http://evil-host.com/x"),
        ("the gate http://[evil-host.com/x answers", T.URL, "http://evil-host.com/x"),
        ("see evil-host{.}net today", T.DOMAIN, "evil-host.net"),
        ("see evil-host[dot]net today", T.DOMAIN, "evil-host.net"),
        ("see evil-host(dot)net today", T.DOMAIN, "evil-host.net"),
        ("see evil-host\\.net today", T.DOMAIN, "evil-host.net"),
        ("from 192[.]0[.]2[.]44 daily", T.IPV4, "192.0.2.44"),
        ("from 192(.)0(.)2(.)44 daily", T.IPV4, "192.0.2.44"),
        ("from 192[.]0[dot]2[.]44 daily", T.IPV4, "192.0.2.44"),
        ("write to boss[@]corp-mail[.]org now", T.EMAIL, "boss@corp-mail.org"),
        ("write to boss(at)corp-mail(dot)org now", T.EMAIL, "boss@corp-mail.org"),
        ("write to boss [at] corp-mail [dot] org now", T.EMAIL, "boss@corp-mail.org"),
        ("host http://[2001:db8::5]:8443/a here", T.URL, "http://[2001:db8::5]:8443/a"),
        ("net 2001:db8:1::/48 here", T.CIDR, "2001:db8:1::/48"),
        ("leak site " + "k" * 56 + ".onion is up", T.DOMAIN, "k" * 56 + ".onion"),
    ],
)
def test_fanged_and_defanged_forms(text: str, otype: ObservableType, value: str) -> None:
    assert (otype, value) in pairs(text)


def test_spans_point_at_the_text_as_written() -> None:
    text = "Beacon to hxxps://bad[.]example[.]org/p and 10[.]1[.]2[.]3 then stop."
    found = [e for e in extract(text) if not e.derived]
    assert [text[e.start : e.end] for e in found] == [
        "hxxps://bad[.]example[.]org/p", "10[.]1[.]2[.]3"]


def test_spans_are_right_after_non_ascii_text() -> None:
    text = f"Ünïcödé “quoted” — café … the dropper {SHA256} ran"
    (hit,) = extract(text)
    assert text[hit.start : hit.end] == SHA256


def test_context_is_the_sentence_around_the_hit() -> None:
    text = "First sentence here. The actor used 198.51.100.23 for staging. Then left."
    (hit,) = extract(text)
    assert hit.context == "The actor used 198.51.100.23 for staging."


def test_context_of_a_line_in_a_list() -> None:
    text = "Indicators:\nevil-one.com\nevil-two.com\n"
    assert [e.context for e in extract(text)] == ["evil-one.com", "evil-two.com"]


def test_long_context_is_a_window_around_the_hit() -> None:
    text = "word " * 200 + "evil-host.com " + "word " * 200
    (hit,) = extract(text)
    assert "evil-host.com" in hit.context
    assert len(hit.context) <= 300
    assert context_of(text, hit.start, hit.end, limit=40).count("word") < 10


def test_url_yields_its_host_and_domains_named_in_it() -> None:
    text = "go https://portal.example.com/r?next=https%3A%2F%2Fdrop.example.net%2Fp now"
    found = {(e.type, e.value, e.derived) for e in extract(text)}
    url = "https://portal.example.com/r?next=https%3A%2F%2Fdrop.example.net%2Fp"
    assert (T.URL, url, False) in found
    assert (T.DOMAIN, "portal.example.com", True) in found
    assert (T.DOMAIN, "drop.example.net", True) in found
    assert pairs(text, url_hosts=False, url_queries=False) == {(T.URL, url)}


def test_email_yields_its_domain_unless_switched_off() -> None:
    text = "reply to ops@mailhost.example.org"
    assert (T.DOMAIN, "mailhost.example.org") in pairs(text)
    assert pairs(text, email_domains=False) == {(T.EMAIL, "ops@mailhost.example.org")}


def test_types_filter() -> None:
    text = "from 192.0.2.1 via evil-host.com"
    found = extract(text, ExtractOptions(types=frozenset({T.IPV4})))
    assert [(e.type, e.value) for e in found] == [(T.IPV4, "192.0.2.1")]


def test_url_ends_before_trailing_punctuation() -> None:
    text = "(see https://example.org/a_(b)/c), and https://example.org/d. Also 'https://e.org/f'."
    assert only(text, T.URL) == [
        "https://example.org/a_(b)/c", "https://example.org/d", "https://e.org/f"]


def test_commas_inside_a_url_path_are_kept() -> None:
    assert only("get https://example.org/a,b,c now", T.URL) == ["https://example.org/a,b,c"]


def test_ja3_needs_the_word_ja3_before_it() -> None:
    digest = "e7d705a3286e19ea42f587b344ee6865"
    assert only(f"JA3 fingerprint: {digest}", T.JA3) == [digest]
    assert only(f"ja3_hash\n{digest}", T.JA3) == [digest]
    assert only(f"file hash {digest}", T.MD5) == [digest]


def test_a_hash_is_never_a_wallet() -> None:
    assert pairs(f"x {SHA256} y") == {(T.SHA256, SHA256)}
    assert pairs(f"x {SHA1} y") == {(T.SHA1, SHA1)}
    hex_with_13 = "1" + "a" * 31
    assert pairs(f"x {hex_with_13} y") == {(T.MD5, hex_with_13)}


def test_base58_strings_need_a_checksum() -> None:
    broken = BTC_P2PKH[:-1] + ("A" if BTC_P2PKH[-1] != "A" else "B")
    assert pairs(f"pay {broken} now") == set()
    assert pairs(f"pay {XMR[:-1]}Z now") == set()
    assert pairs(f"pay {ETH[:2]}{ETH[2:].swapcase()} now") == set()


@pytest.mark.parametrize(
    "text",
    [
        "Upgrade to version 1.2.3.4 today",
        "Running v10.0.1.2 in production",
        "build 2.1.0.9 fixed it",
        "OID 1.3.6.1.4.1.311 is Microsoft",
        "The ratio was 255.256.344.1",
        "On 2021-05-12 at 10:30:45 the share moved +2.5%",
        "Dates such as +2021-05-12 or +1234 are not phones",
        "just as 2014 ended",
        "the key AS1234foobar is not a number",
        "@echo off and @media print",
        "Built with Node.js and end.It was late",
        "The sample.tld and x.x.x.x are not names",
        "std::vector and ::GetProcAddress in C++",
        "a34 hex: adc83b191b1c6ea0fd8b46cd9f32e592fc",
    ],
)
def test_false_positive_guards(text: str) -> None:
    assert extract(text) == []


def test_version_guard_does_not_hide_defanged_addresses() -> None:
    assert only("version 10[.]0[.]0[.]7 beacon", T.IPV4) == ["10.0.0.7"]


def test_file_name_wins_over_a_tld_lookalike() -> None:
    assert pairs("opened invoice.zip from the mail") == {(T.FILE_NAME, "invoice.zip")}
    assert pairs("C:\\Users\\x\\AppData\\dropper.pdf.exe ran") == {
        (T.FILE_NAME, "dropper.pdf.exe")}


def test_cidr_with_host_bits_is_read_as_the_address() -> None:
    assert pairs("from 10.1.2.3/24 and 10.8.0.0/16") == {
        (T.IPV4, "10.1.2.3"), (T.CIDR, "10.8.0.0/16")}


def test_ip_with_port_is_the_ip_and_with_path_a_url() -> None:
    assert pairs("C2 IP: 203.0.113.9:443") == {(T.IPV4, "203.0.113.9")}
    assert pairs("C2 203.0.113.9:8080/gate") == {
        (T.URL, "http://203.0.113.9:8080/gate"), (T.IPV4, "203.0.113.9")}


def test_handles() -> None:
    assert only("DM @alice_01 or @bob.smith, not bob@example.com", T.USERNAME) == [
        "alice_01", "bob.smith"]
    assert only("follow @carol@mastodon.example", T.USERNAME) == ["carol@mastodon.example"]
    assert only("mail @example.com", T.USERNAME) == []


def test_user_agent_stops_before_the_prose() -> None:
    text = "UA Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0 was used."
    assert only(text, T.USER_AGENT) == [
        "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"]
    assert only("Mozilla/5.0 alone", T.USER_AGENT) == []


def test_asn_spellings() -> None:
    text = "AS13335, AS 15169, ASN 8075, asn16509 and as14061."
    assert only(text, T.ASN) == ["AS13335", "AS15169", "AS8075", "AS16509", "AS14061"]


def test_phone_numbers_need_a_plus_and_a_valid_number() -> None:
    assert only("Call +33 1 42 68 53 00, or 01 42 68 53 00.", T.PHONE) == ["+33142685300"]
    assert only("Ref +1 000 000 0000", T.PHONE) == []


def test_iban_in_groups_stops_at_its_registry_length() -> None:
    grouped = " ".join(IBAN_DE[i : i + 4] for i in range(0, 22, 4))
    assert only(f"IBAN {grouped} FROM ACME", T.IBAN) == [IBAN_DE]


def test_values_are_canonical_and_keyed_like_normalise() -> None:
    (hit,) = extract("Seen: EVIL-HOST.COM")
    assert isinstance(hit, Extracted)
    assert (hit.value, hit.key) == ("evil-host.com", normalise(T.DOMAIN, "evil-host.com").key)


def test_repeated_mentions_are_each_reported() -> None:
    found = extract("evil-host.com. Again evil-host.com.")
    assert [e.start for e in found] == [0, 21]


def test_brackets_in_a_url_path_do_not_break_derivation() -> None:
    found = pairs("%2F/http://=2a[@m[.]]x\n")
    assert all(t in (T.URL, T.DOMAIN) for t, _ in found)


_IOC_CHARS = "0123456789abcdefxtpsASNnmo.:/[]()@+-_ \n\\%?=,\u00e9\u2019"


@given(st.text(alphabet=_IOC_CHARS, max_size=200) | st.text(max_size=200))
@settings(max_examples=400, deadline=None)
def test_any_text_extracts_without_error(text: str) -> None:
    for found in extract(text):
        assert 0 <= found.start < found.end <= len(text)
        assert normalise(found.type, found.value).key == found.key


# --- labelled peer sets (GPL/LGPL test data, read in place; skipped when absent) -----------


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_extract", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_extract", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (EXT / "ioc-finder").exists(), reason="peer data absent")
def test_ioc_finder_labelled_cases_precision_and_recall() -> None:
    bench = _bench()
    score = bench.score_ioc_finder(EXT / "ioc-finder" / "find_iocs_cases.json")
    tp, fp, fn = score.totals()
    assert tp / (tp + fp) >= 0.98
    assert tp / (tp + fn) >= 0.98
    assert len(json.loads((EXT / "ioc-finder" / "find_iocs_cases.json").read_text())[
        "cases"]) == 134


@pytest.mark.skipif(not (EXT / "iocextract").exists(), reason="peer data absent")
def test_iocextract_valid_found_and_invalid_not(capsys: pytest.CaptureFixture[str]) -> None:
    precision, recall = _bench().score_iocextract(EXT / "iocextract", show=False)
    capsys.readouterr()
    assert precision == 1.0
    assert recall >= 47 / 48  # the one miss is a local phone number without "+"
