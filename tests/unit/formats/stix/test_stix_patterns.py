"""The simple-pattern reader (STIX 2.1 section 9): values out of simple forms, the rest kept."""

from __future__ import annotations

from typing import Any

import pytest
from stix2patterns.validator import validate

from cyberfusion.domain.imports import Severity
from cyberfusion.domain.observables import normalise
from cyberfusion.formats.stix.mapping import pattern_values
from cyberfusion.formats.stix.patterns import read_pattern
from cyberfusion.formats.stix.values import pattern_for

SIMPLE = [
    ("[ipv4-addr:value = '198.51.100.1']", [("ipv4", "198.51.100.1")]),
    ("[ ipv4-addr:value = '10.0.0.0/8' ]", [("cidr", "10.0.0.0/8")]),
    ("[ipv4-addr:value = '198.51.100.1/32']", [("ipv4", "198.51.100.1")]),
    ("[ipv6-addr:value = '2001:DB8::1']", [("ipv6", "2001:db8::1")]),
    ("[domain-name:value = 'Evil.Example']", [("domain", "evil.example")]),
    ("[url:value = 'http://evil.example/a?b=1']", [("url", "http://evil.example/a?b=1")]),
    ("[email-addr:value = 'Boss@Evil.Example']", [("email", "boss@evil.example")]),
    ("[file:hashes.'SHA-256' = '" + "AB" * 32 + "']", [("sha256", "ab" * 32)]),
    ("[file:hashes.MD5 = '" + "0f" * 16 + "']", [("md5", "0f" * 16)]),
    ("[file:hashes.'SHA-1' = '" + "1" * 40 + "']", [("sha1", "1" * 40)]),
    ("[file:hashes.SHA512 = '" + "2" * 128 + "']", [("sha512", "2" * 128)]),
    ("[file:hashes.SSDEEP = '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C']",
     [("ssdeep", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C")]),
    ("[file:name = 'invoice.pdf.exe']", [("file_name", "invoice.pdf.exe")]),
    ("[file:name = 'it\\'s.exe']", [("file_name", "it's.exe")]),
    ("[autonomous-system:number = 64500]", [("asn", "AS64500")]),
    ("[user-account:account_login = 'Mule01']", [("username", "mule01")]),
    ("[domain-name:value = 'a.example' OR ipv4-addr:value = '203.0.113.5']",
     [("domain", "a.example"), ("ipv4", "203.0.113.5")]),
    ("[url:value = 'http://a.example/'] OR [url:value = 'http://b.example/']",
     [("url", "http://a.example/"), ("url", "http://b.example/")]),
    # AND on one object inside one observation (MISP writes a file's hashes so)
    ("[file:name = 'a.exe' AND file:hashes.MD5 = '" + "a" * 32 + "' AND file:size = 12]",
     [("file_name", "a.exe"), ("md5", "a" * 32)]),
]

COMPLEX = [
    "[file:name = 'a.exe'] FOLLOWEDBY [file:name = 'b.exe']",
    "[ipv4-addr:value = '198.51.100.1'] WITHIN 300 SECONDS",
    "[ipv4-addr:value = '198.51.100.1'] REPEATS 5 TIMES",
    "[file:name MATCHES '^inv.*\\\\.exe$']",
    "[domain-name:value LIKE '%.evil.example']",
    "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
    "[file:size > 1000]",
    "[file:name != 'a.exe']",
    "[file:name IN ('a.exe', 'b.exe')]",
    "[domain-name:value = 'a.example' AND ipv4-addr:value = '198.51.100.1']",
    "[domain-name:value = 'a.example' OR url:value = 'http://x.example/' AND "
    "url:value = 'http://y.example/']",
    "([url:value = 'http://a.example/'] OR [url:value = 'http://b.example/'])",
    "[file:created = t'2014-01-13T07:03:17Z']",
    "[artifact:payload_bin = b'aGVsbG8=']",
]
UNMAPPED = "[network-traffic:dst_ref.value = '198.51.100.1' AND network-traffic:dst_port = 443]"


def _values(pattern: str) -> list[tuple[str, str]]:
    comparisons = read_pattern(pattern)
    assert comparisons is not None
    found = []
    for kind, raw, _ in pattern_values(comparisons):
        from cyberfusion.formats.stix.mapping import resolve_type, strip_full_prefix

        obs_type = resolve_type(kind, raw)
        obs = normalise(obs_type, strip_full_prefix(obs_type, raw))
        found.append((obs.type.value, obs.value))
    return found


@pytest.mark.parametrize(("pattern", "expected"), SIMPLE)
def test_simple_patterns_yield_values(pattern: str, expected: list[tuple[str, str]]) -> None:
    assert validate(pattern, stix_version="2.1"), "the test pattern must be valid STIX"
    assert _values(pattern) == expected


@pytest.mark.parametrize("pattern", COMPLEX)
def test_other_patterns_are_complex(pattern: str) -> None:
    assert read_pattern(pattern) is None


@pytest.mark.parametrize("pattern", [p for p in COMPLEX if "AND ipv4" not in p])
def test_complex_examples_are_valid_stix(pattern: str) -> None:
    """The complex cases are real STIX patterns (checked by stix2-patterns), not typos."""
    assert validate(pattern, stix_version="2.1")


def test_simple_forms_on_paths_we_do_not_map_yield_nothing() -> None:
    comparisons = read_pattern(UNMAPPED)
    assert comparisons is not None and pattern_values(comparisons) == []


@pytest.mark.parametrize("text", ["", "ipv4-addr:value = '1.2.3.4'", "[ipv4-addr:value = ]",
                                  "[ipv4-addr:value = '1.2.3.4'", "[]", "[file:name = 'a'] OR"])
def test_broken_patterns_are_not_simple(text: str) -> None:
    assert read_pattern(text) is None


@pytest.mark.parametrize(("obs_type", "value"), [
    ("ipv4", "198.51.100.1"), ("ipv6", "2001:db8::1"), ("cidr", "10.0.0.0/8"),
    ("cidr", "2001:db8::/32"), ("domain", "evil.example"), ("url", "http://e.example/a'b"),
    ("email", "x@evil.example"), ("md5", "a" * 32), ("sha1", "b" * 40), ("sha256", "c" * 64),
    ("sha512", "d" * 128), ("file_name", "o'brien\\x.exe".replace("\\", "_")),
    ("asn", "AS64500"), ("username", "mule01"), ("user_agent", "Mozilla/5.0 (X11) 'q'"),
    ("ssdeep", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"),
])
def test_written_patterns_are_valid_and_read_back(obs_type: str, value: str) -> None:
    pattern = pattern_for(obs_type, value)
    assert pattern is not None and validate(pattern, stix_version="2.1")
    assert _values(pattern) == [(obs_type, normalise(obs_type, value).value)]


def test_no_pattern_for_values_stix_cannot_state() -> None:
    for obs_type in ("btc_wallet", "eth_wallet", "xmr_wallet", "iban", "phone", "ja3"):
        assert pattern_for(obs_type, "x") is None


def test_indicators_yield_observables_complex_ones_are_kept(stix: Any) -> None:
    simple = stix.indicator(stix.uid(1), SIMPLE[-3][0], indicator_types=["malicious-activity"],
                            name="C2 pair")
    complex_ = stix.indicator(stix.uid(2), COMPLEX[0])
    yara = stix.indicator(stix.uid(3), "rule x { condition: true }", pattern_type="yara")
    unmapped = stix.indicator(stix.uid(4), UNMAPPED)
    out = stix.decode(stix.bundle(simple, complex_, yara, unmapped))
    assert len(out.objects) == 4  # nothing dropped
    case = out.cases[0]
    assert stix_values(case) == {("domain", "a.example"), ("ipv4", "203.0.113.5")}
    assert {o.role for o in case.draft.occurrences} == {"malicious-activity"}
    assert {o.comment for o in case.draft.occurrences} == {"C2 pair"}
    assert case.members == (simple["id"],)
    infos = out.severities(Severity.INFO)
    assert [i.location for i in infos] == ["t.json:objects[1].pattern",
                                           "t.json:objects[3].pattern"]


def test_invalid_values_are_warnings_at_their_path_and_the_object_stays(stix: Any) -> None:
    bad = stix.indicator(stix.uid(1), "[domain-name:value = 'domain autuo.xicp.net' OR "
                                      "ipv4-addr:value = '60.10.1.115']")
    sco = {"type": "ipv4-addr", "spec_version": "2.1",
           "id": "ipv4-addr--00000000-0000-5000-8000-000000000009", "value": "300.1.1.1"}
    out = stix.decode(stix.bundle(bad, sco))
    assert [o.ref for o in out.objects] == [bad["id"], sco["id"]]
    warnings = out.severities(Severity.WARNING)
    assert [w.location for w in warnings] == ["t.json:objects[0].pattern",
                                              "t.json:objects[1].value"]
    assert "domain autuo.xicp.net" in warnings[0].message
    assert stix_values(out.cases[0]) == {("ipv4", "60.10.1.115")}


def stix_values(case: Any) -> set[tuple[str, str]]:
    return {(o.type, o.value) for o in case.draft.occurrences}
