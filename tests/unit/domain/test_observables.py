"""Observable normalisation: canonical forms, reasons for rejection, keys, guessing, properties."""

from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
import string

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberfusion.domain.checksums import (
    IBAN_LENGTHS,
    b58check_encode,
    eip55_checksum,
    iban_check_digits,
    monero_encode,
    segwit_encode,
)
from cyberfusion.domain.observables import (
    Observable,
    ObservableType,
    guess_type,
    normalise,
    observable_key,
    refang,
)
from cyberfusion.errors import InvalidInput, InvalidObservable

T = ObservableType

# Published donation addresses: Monero general fund (subaddress) and the older standard one.
XMR_GENERAL_FUND = (
    "888tNkZrPN6JsEgekjMnABU4TBzc2Dt29EPAvkRxbANsAnjyPbb3"
    "iQ1YBRk1UXcdRsiKc9dhwMVgN5S9cQUiyoogDavup3H"
)
XMR_OLD_DONATION = (
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3Xjrp"
    "DtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
)
SHA512_EMPTY = (
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
)
TAPROOT = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"

VALID = [
    (T.IPV4, "192.0.2.1", "192.0.2.1"),
    (T.IPV4, " 192.0.2[.]1 ", "192.0.2.1"),
    (T.IPV4, "8(.)8(.)8(.)8", "8.8.8.8"),
    (T.IPV6, "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
    (T.IPV6, "[2001:db8::1]", "2001:db8::1"),
    (T.IPV6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
    (T.IPV6, "::ffff:102:304", "::ffff:1.2.3.4"),
    (T.IPV6, "::FFFF:1.2.3.4", "::ffff:1.2.3.4"),
    (T.CIDR, "::ffff:0:0/96", "::ffff:0.0.0.0/96"),
    (T.CIDR, "10.0.0.0/8", "10.0.0.0/8"),
    (T.CIDR, "192.0.2.7", "192.0.2.7/32"),
    (T.CIDR, "2001:DB8::/32", "2001:db8::/32"),
    (T.CIDR, "2001:db8::1", "2001:db8::1/128"),
    (T.CIDR, "10.0.0.0/255.0.0.0", "10.0.0.0/8"),
    (T.DOMAIN, "Example.COM.", "example.com"),
    (T.DOMAIN, "evil[.]example(.)org", "evil.example.org"),
    (T.DOMAIN, "bücher.de", "xn--bcher-kva.de"),
    (T.DOMAIN, "BÜCHER.DE", "xn--bcher-kva.de"),
    (T.DOMAIN, "xn--bcher-kva.de", "xn--bcher-kva.de"),
    (T.DOMAIN, "пример.рф", "xn--e1afmkfd.xn--p1ai"),
    (T.DOMAIN, "例え。テスト", "xn--r8jz45g.xn--zckzah"),
    (T.DOMAIN, "faß.de", "xn--fa-hia.de"),
    (T.DOMAIN, "r3---sn-abc.googlevideo.com", "r3---sn-abc.googlevideo.com"),
    (T.DOMAIN, "_dmarc.example.org", "_dmarc.example.org"),
    (T.URL, "hxxps://Evil[.]Example.com:443/Login?a=1#top", "https://evil.example.com/Login?a=1"),
    (T.URL, "example.com/path", "http://example.com/path"),
    (T.URL, "HTTP://EXAMPLE.COM", "http://example.com/"),
    (T.URL, "http://example.com:8080/a", "http://example.com:8080/a"),
    (T.URL, "http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"),
    (T.URL, "http://192.0.2.1/x", "http://192.0.2.1/x"),
    (
        T.URL,
        "https://user:Secret@bücher.de/%7euser/%2f?q=%2a",
        "https://user:Secret@xn--bcher-kva.de/~user/%2F?q=%2A",
    ),
    (T.URL, "hXXp[:]//example[.]com/Path", "http://example.com/Path"),
    (T.URL, "ftp://files.example.com:21/pub", "ftp://files.example.com/pub"),
    (T.EMAIL, "John.Doe@Example.COM", "john.doe@example.com"),
    (T.EMAIL, "john.doe[@]example[.]com", "john.doe@example.com"),
    (T.EMAIL, "john (at) example (dot) com", "john@example.com"),
    (T.EMAIL, "mailto:info@bücher.de", "info@xn--bcher-kva.de"),
    (T.MD5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"),
    (
        T.SHA1,
        " DA39A3EE5E6B4B0D3255BFEF95601890AFD80709 ",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    ),
    (
        T.SHA256,
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
    (T.SHA512, SHA512_EMPTY.upper(), SHA512_EMPTY),
    (
        T.SSDEEP,
        "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
        "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
    ),
    (T.SSDEEP, "096:abc+/:xyz", "96:abc+/:xyz"),
    (T.FILE_NAME, "  Invoice.PDF.exe ", "Invoice.PDF.exe"),
    (T.FILE_NAME, "résumé 2024.docx", "résumé 2024.docx"),
    (T.BTC_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
    (T.BTC_WALLET, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
    (
        T.BTC_WALLET,
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    ),
    (T.BTC_WALLET, TAPROOT, TAPROOT),
    (
        T.ETH_WALLET,
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    ),
    (
        T.ETH_WALLET,
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    ),
    (
        T.ETH_WALLET,
        "0XDBF03B407C01E7CD3CBEA99509D93F8DDDC8C6FB",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    ),
    (
        T.ETH_WALLET,
        "D1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ),
    (T.XMR_WALLET, XMR_GENERAL_FUND, XMR_GENERAL_FUND),
    (T.XMR_WALLET, f" {XMR_OLD_DONATION} ", XMR_OLD_DONATION),
    (T.IBAN, "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
    (T.IBAN, "de89370400440532013000", "DE89370400440532013000"),
    (T.IBAN, "IBAN DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
    (T.PHONE, "+442079460000", "+442079460000"),
    (T.PHONE, "+44 20 7946 0000", "+442079460000"),
    (T.PHONE, "0044 (0)20 7946 0000", "+442079460000"),
    (T.PHONE, "tel:+44-20-7946-0000", "+442079460000"),
    (T.USERNAME, "@JohnDoe", "johndoe"),
    (T.USERNAME, " dark_Lord99 ", "dark_lord99"),
    (T.ASN, "AS64500", "AS64500"),
    (T.ASN, "as64500", "AS64500"),
    (T.ASN, "64500", "AS64500"),
    (T.ASN, "ASN 64500", "AS64500"),
    (T.ASN, "AS1.10", "AS65546"),
    (T.ASN, "4294967295", "AS4294967295"),
    (T.JA3, "E7D705A3286E19EA42F587B344EE6865", "e7d705a3286e19ea42f587b344ee6865"),
    (
        T.USER_AGENT,
        "  Mozilla/5.0  (Windows NT 10.0;\tWin64; x64)\n",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
    ),
]


@pytest.mark.parametrize(("obs_type", "raw", "canonical"), VALID)
def test_valid_values_normalise_to_canonical(obs_type: T, raw: str, canonical: str) -> None:
    obs = normalise(obs_type, raw)
    assert obs.type is obs_type
    assert obs.value == canonical
    assert normalise(obs_type, obs.value) == obs


def test_every_type_has_a_valid_sample() -> None:
    assert {t for t, _, _ in VALID} == set(ObservableType)


INVALID = [
    (T.IPV4, "010.1.1.1", "leading zero"),
    (T.IPV4, "256.1.1.1", "four decimal octets"),
    (T.IPV4, "1.2.3", "four decimal octets"),
    (T.IPV4, "2001:db8::1", "IPv6 address"),
    (T.IPV6, "2001:db8::g", "not a valid IPv6"),
    (T.IPV6, "192.0.2.1", "IPv4 address"),
    (T.IPV6, "fe80::1%eth0", "zone index"),
    (T.CIDR, "10.0.0.1/8", "host bits are set (the network is 10.0.0.0/8)"),
    (T.CIDR, "10.0.0.0/33", "prefix length"),
    (T.CIDR, "010.0.0.0/8", "leading zero"),
    (T.DOMAIN, "localhost", "at least two labels"),
    (T.DOMAIN, "192.0.2.1", "all-numeric"),
    (T.DOMAIN, "-evil.com", "hyphen"),
    (T.DOMAIN, "a..com", "empty label"),
    (T.DOMAIN, "exa mple.com", "characters other than"),
    (T.DOMAIN, "a" * 64 + ".com", "maximum is 63"),
    (T.DOMAIN, ".".join(["a" * 60] * 5) + ".com", "maximum is 253"),
    (T.DOMAIN, "xn--zz.com", "punycode"),
    (T.DOMAIN, "", "empty domain"),
    (T.DOMAIN, "a\u200db.com", "IDNA 2008"),
    (T.URL, "", "empty URL"),
    (T.URL, "http://exa mple.com/", "whitespace"),
    (T.URL, "file:///etc/passwd", "no host"),
    (T.URL, "http://example.com:99999/", "invalid port"),
    (T.URL, "http://[2001:db8::1/", "unterminated"),
    (T.URL, "http://localhost/", "at least two labels"),
    (T.EMAIL, "john.example.com", "missing '@'"),
    (T.EMAIL, "@example.com", "empty local part"),
    (T.EMAIL, "jo hn@example.com", "special characters"),
    (T.EMAIL, "john..doe@example.com", "doubled dot"),
    (T.EMAIL, "john@localhost", "at least two labels"),
    (T.EMAIL, "x" * 65 + "@example.com", "maximum is 64"),
    (T.MD5, "d41d8cd98f00b204e9800998ecf8427", "32 hex characters, got 31"),
    (T.MD5, "g41d8cd98f00b204e9800998ecf8427e", "only hex"),
    (T.SHA1, "d41d8cd98f00b204e9800998ecf8427e", "40 hex characters, got 32"),
    (T.SHA256, "0" * 63, "64 hex characters"),
    (T.SHA512, "0" * 127, "128 hex characters"),
    (T.SSDEEP, "3:abc", "blocksize:hash:hash"),
    (T.SSDEEP, "5:abc:def", "power of two"),
    (T.SSDEEP, "3:ab$c:def", "blocksize:hash:hash"),
    (T.FILE_NAME, "   ", "empty file name"),
    (T.FILE_NAME, "C:\\Windows\\evil.exe", "path separator"),
    (T.FILE_NAME, "dir/evil.exe", "path separator"),
    (T.FILE_NAME, "evil\x00.exe", "control character"),
    (T.FILE_NAME, "..", "not file names"),
    (T.FILE_NAME, "a" * 256, "maximum is 255"),
    (T.BTC_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "bad base58check checksum"),
    (T.BTC_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na", "invalid base58 character"),
    (T.BTC_WALLET, b58check_encode(b"\x6f" + bytes(20)), "testnet"),
    (T.BTC_WALLET, b58check_encode(b"\x30" + bytes(20)), "unknown address version byte 0x30"),
    (T.BTC_WALLET, "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "testnet"),
    (T.BTC_WALLET, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "must use bech32"),
    (T.BTC_WALLET, "BC1QW508d6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "mix upper and lower"),
    (T.BTC_WALLET, "1abc", "25-35 characters"),
    (T.ETH_WALLET, "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "EIP-55 checksum"),
    (T.ETH_WALLET, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", "40 hex characters, got 38"),
    (T.ETH_WALLET, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beagg", "only hex"),
    (T.XMR_WALLET, XMR_OLD_DONATION[:-1] + "B", "bad Monero checksum"),
    (T.XMR_WALLET, XMR_OLD_DONATION[:-1], "95 or 106 characters, got 94"),
    (T.XMR_WALLET, monero_encode(b"\x35" + bytes(64)), "testnet or stagenet"),
    (T.XMR_WALLET, monero_encode(b"\x13" + bytes(64)), "integrated address must be 106"),
    (T.IBAN, "DE89370400440532013001", "IBAN check digits fail (mod 97)"),
    (T.IBAN, "DE8937040044053201300", "IBAN for DE must be 22 characters, got 21"),
    (T.IBAN, "ZZ89370400440532013000", "not an IBAN country"),
    (T.IBAN, "DE8937040044053201300!", "country code, two check digits"),
    (T.IBAN, "GB00WEST12345698765432", "never valid"),
    (T.PHONE, "+44123", "not a valid E.164 number"),
    (T.PHONE, "020 7946 0000", "start with +"),
    (T.PHONE, "+44 20 7946 0000 ext. 12", "extensions"),
    (T.PHONE, "+999 123456789", "not a valid E.164 number"),
    (T.PHONE, "+hello", "not a valid E.164 number"),
    (T.USERNAME, "@", "empty username"),
    (T.USERNAME, "john doe", "whitespace"),
    (T.USERNAME, "@@john", "more than one '@'"),
    (T.USERNAME, "x" * 257, "maximum is 256"),
    (T.ASN, "AS0", "between 1 and 4294967295"),
    (T.ASN, "AS4294967296", "between 1 and 4294967295"),
    (T.ASN, "AS-12", "expected an AS number"),
    (T.ASN, "AS70000.1", "asdot"),
    (T.JA3, "e7d705a3286e19ea42f587b344ee686", "ja3 must be 32 hex characters"),
    (T.USER_AGENT, " \t ", "empty user agent"),
    (T.USER_AGENT, "x" * 1025, "maximum is 1024"),
    (T.USER_AGENT, "curl/8.0\x00", "control characters"),
]


@pytest.mark.parametrize(("obs_type", "raw", "reason"), INVALID)
def test_invalid_values_raise_with_reason(obs_type: T, raw: str, reason: str) -> None:
    with pytest.raises(InvalidObservable) as caught:
        normalise(obs_type, raw, location="$.observables[3].value")
    error = caught.value
    assert reason in error.reason
    assert error.obs_type == obs_type.value
    assert error.value == raw
    assert error.detail == f"not a valid {obs_type.value}: {error.reason}"
    assert error.issues[0].location == "$.observables[3].value"
    assert isinstance(error, InvalidInput)
    assert error.status == 422


def test_every_type_has_an_invalid_sample() -> None:
    assert {t for t, _, _ in INVALID} == set(ObservableType)


def test_unknown_type_is_an_invalid_observable() -> None:
    with pytest.raises(InvalidObservable) as caught:
        normalise("foo", "x", location="type")
    assert caught.value.obs_type == "foo"
    assert caught.value.reason == "unknown observable type 'foo'"
    assert caught.value.issues[0].location == "type"


def test_type_may_be_given_as_string() -> None:
    assert normalise("ipv4", "192.0.2.1") == normalise(T.IPV4, "192.0.2.1")
    assert normalise(" IPv4 ", "192.0.2.1").type is T.IPV4


def test_overlong_raw_value_is_rejected_early() -> None:
    with pytest.raises(InvalidObservable, match="maximum is 8192"):
        normalise(T.URL, "http://example.com/" + "a" * 9000)


def test_type_values_are_the_stored_names() -> None:
    assert [t.value for t in ObservableType] == [
        "ipv4", "ipv6", "cidr", "domain", "url", "email", "md5", "sha1", "sha256", "sha512",
        "ssdeep", "file_name", "btc_wallet", "eth_wallet", "xmr_wallet", "iban", "phone",
        "username", "asn", "ja3", "user_agent",
    ]  # fmt: skip
    assert f"{T.IPV4}" == "ipv4"


def test_observable_is_frozen_and_slotted() -> None:
    obs = normalise(T.DOMAIN, "example.com")
    with pytest.raises(dataclasses.FrozenInstanceError):
        obs.value = "other"  # type: ignore[misc]
    assert not hasattr(obs, "__dict__")
    assert isinstance(obs, Observable)


def test_observable_key_formula() -> None:
    expected = hashlib.sha256(b"domain\x1fexample.com").hexdigest()[:32]
    assert observable_key(T.DOMAIN, "example.com") == expected
    assert normalise(T.DOMAIN, "EXAMPLE[.]com").key == expected


def test_same_text_of_different_types_gets_different_keys() -> None:
    assert normalise(T.MD5, "e7d705a3286e19ea42f587b344ee6865").key != (
        normalise(T.JA3, "e7d705a3286e19ea42f587b344ee6865").key
    )


def test_file_name_key_is_case_insensitive_but_value_keeps_case() -> None:
    upper, lower = normalise(T.FILE_NAME, "Invoice.EXE"), normalise(T.FILE_NAME, "invoice.exe")
    assert upper.value == "Invoice.EXE"
    assert upper.key == lower.key
    nfd = normalise(T.FILE_NAME, "re\u0301sume\u0301.pdf")
    assert nfd.key == normalise(T.FILE_NAME, "RÉSUMÉ.pdf").key


EQUIVALENT = [
    (T.IPV4, ["192.0.2.1", "192.0.2[.]1", " 192[.]0[.]2[.]1 ", "192(.)0(.)2(.)1"]),
    (T.IPV6, ["2001:db8::1", "2001:0DB8:0000:0000:0000:0000:0000:0001", "[2001:db8::1]"]),
    (T.CIDR, ["10.0.0.0/8", "10.0.0.0/255.0.0.0", "10[.]0[.]0[.]0/8"]),
    (
        T.DOMAIN,
        ["example.com", "EXAMPLE.COM.", "example[.]com", "example(dot)com", "example{.}com"],
    ),
    (T.DOMAIN, ["bücher.de", "BÜCHER.de", "xn--bcher-kva.de", "XN--BCHER-KVA.DE."]),
    (
        T.URL,
        [
            "http://example.com/Path",
            "hxxp://example[.]com/Path",
            "HTTP://EXAMPLE.COM:80/Path#frag",
            "example.com/Path",
            "hXXp[:]//example[.]com/%50ath",
        ],
    ),
    (
        T.EMAIL,
        ["john@example.com", "John@Example.com", "john[@]example[.]com", "john (at) example[.]com"],
    ),
    (T.MD5, ["d41d8cd98f00b204e9800998ecf8427e", "D41D8CD98F00B204E9800998ECF8427E"]),
    (
        T.SHA256,
        [
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        ],
    ),
    (
        T.BTC_WALLET,
        [
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        ],
    ),
    (
        T.ETH_WALLET,
        [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
            "0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",
            "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ],
    ),
    (
        T.IBAN,
        ["GB82WEST12345698765432", "GB82 WEST 1234 5698 7654 32", "gb82 west 1234 5698 7654 32"],
    ),
    (T.PHONE, ["+442079460000", "00442079460000", "+44 20 7946 0000", "0044 20 7946 0000"]),
    (T.USERNAME, ["johndoe", "@JohnDoe", " JOHNDOE "]),
    (T.ASN, ["AS123", "123", "as123", "ASN 123", "AS 123", "AS0.123"]),
    (T.JA3, ["e7d705a3286e19ea42f587b344ee6865", "E7D705A3286E19EA42F587B344EE6865"]),
    (T.USER_AGENT, ["curl/8.4.0 (x86_64)", "  curl/8.4.0   (x86_64) "]),
    (T.FILE_NAME, ["invoice.exe", "Invoice.EXE", " INVOICE.exe "]),
]


@pytest.mark.parametrize(("obs_type", "spellings"), EQUIVALENT)
def test_equivalent_spellings_share_one_key(obs_type: T, spellings: list[str]) -> None:
    keys = {normalise(obs_type, s).key for s in spellings}
    assert len(keys) == 1


# --- refang -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("defanged", "fanged"),
    [
        ("example[.]com", "example.com"),
        ("example(.)com", "example.com"),
        ("example{.}com", "example.com"),
        ("example[dot]com", "example.com"),
        ("example(DOT)com", "example.com"),
        ("example [.] com", "example.com"),
        ("example\\.com", "example.com"),
        ("hxxp://example.com", "http://example.com"),
        ("hXXps://example.com", "https://example.com"),
        ("HXXPS://example.com", "https://example.com"),
        ("h**p://example.com", "http://example.com"),
        ("fxp://example.com", "ftp://example.com"),
        ("http[:]//example.com", "http://example.com"),
        ("http[://]example.com", "http://example.com"),
        ("john[@]example.com", "john@example.com"),
        ("john(at)example.com", "john@example.com"),
        ("john [at] example.com", "john@example.com"),
        ("plain text stays", "plain text stays"),
        ("[2001:db8::1]", "[2001:db8::1]"),
        ("Mozilla/5.0 (X11; Linux x86_64)", "Mozilla/5.0 (X11; Linux x86_64)"),
    ],
)
def test_refang(defanged: str, fanged: str) -> None:
    assert refang(defanged) == fanged


# --- guess_type -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("192.0.2.1", T.IPV4),
        ("192[.]0[.]2[.]1", T.IPV4),
        ("2001:db8::1", T.IPV6),
        ("10.0.0.0/8", T.CIDR),
        ("10.0.0.1/8", T.CIDR),
        ("2001:db8::/32", T.CIDR),
        ("example.com", T.DOMAIN),
        ("evil[.]example[.]com", T.DOMAIN),
        ("bücher.de", T.DOMAIN),
        ("hxxps://evil.example.com/login", T.URL),
        ("evil.example.com/login.php", T.URL),
        ("john.doe@example.com", T.EMAIL),
        ("john[@]example[.]com", T.EMAIL),
        ("d41d8cd98f00b204e9800998ecf8427e", T.MD5),
        ("da39a3ee5e6b4b0d3255bfef95601890afd80709", T.SHA1),
        ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", T.SHA256),
        (SHA512_EMPTY, T.SHA512),
        ("3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", T.SSDEEP),
        ("invoice.pdf.exe", T.FILE_NAME),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", T.BTC_WALLET),
        (TAPROOT, T.BTC_WALLET),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", T.ETH_WALLET),
        (XMR_GENERAL_FUND, T.XMR_WALLET),
        ("GB82 WEST 1234 5698 7654 32", T.IBAN),
        ("DE89370400440532013000", T.IBAN),
        ("+44 20 7946 0000", T.PHONE),
        ("0044 20 7946 0000", T.PHONE),
        ("@johndoe", T.USERNAME),
        ("AS64500", T.ASN),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36", T.USER_AGENT),
        ("", None),
        ("hello", None),
        ("12345", None),
        ("not a thing at all", None),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", None),
    ],
)
def test_guess_type(raw: str, expected: T | None) -> None:
    assert guess_type(raw) is expected


def test_guessed_type_always_normalises() -> None:
    for raw in ["192.0.2.1", "example.com", "+44 20 7946 0000", "GB82WEST12345698765432", "AS1"]:
        guessed = guess_type(raw)
        assert guessed is not None
        normalise(guessed, raw)


# --- properties ---------------------------------------------------------------------------------

_label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,12}[a-z0-9])?", fullmatch=True)
_tld = st.from_regex(r"[a-z]{2,8}", fullmatch=True)
_idn_label = st.sampled_from(
    ["bücher", "münchen", "пример", "例え", "παράδειγμα", "straße", "ñandú"]
)
_domain = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_label | _idn_label, min_size=1, max_size=3),
    _tld,
)
_path = st.text(alphabet=string.ascii_letters + string.digits + "-._~/%", max_size=20).map(
    lambda p: "/" + p.replace("%", "%25")
)
_query = st.text(alphabet=string.ascii_letters + string.digits + "=&", max_size=15)
_url = st.builds(
    lambda scheme, host, port, path, query: (
        f"{scheme}://{host}{port}{path}" + (f"?{query}" if query else "")
    ),
    st.sampled_from(["http", "https", "HTTP", "hxxp", "ftp"]),
    _domain,
    st.sampled_from(["", ":80", ":443", ":8080"]),
    _path,
    _query,
)
_local = st.from_regex(r"[a-zA-Z0-9]+(?:[._+-][a-zA-Z0-9]+){0,2}", fullmatch=True).filter(
    lambda s: len(s) <= 64
)
_email = st.builds(lambda local, domain: f"{local}@{domain}", _local, _domain)


def _hex_digest(nbytes: int) -> st.SearchStrategy[str]:
    return st.builds(
        lambda data, upper: data.hex().upper() if upper else data.hex(),
        st.binary(min_size=nbytes, max_size=nbytes),
        st.booleans(),
    )


_cidr = st.builds(
    lambda address, prefix: (
        ipaddress.ip_network(
            f"{address}/{prefix % (address.max_prefixlen + 1)}", strict=False
        ).with_prefixlen
    ),
    st.ip_addresses(),
    st.integers(0, 128),
)
_ssdeep = st.builds(
    lambda power, first, second: f"{3 * 2**power}:{first}:{second}",
    st.integers(0, 20),
    st.text(alphabet=string.ascii_letters + string.digits + "+/", min_size=1, max_size=64),
    st.text(alphabet=string.ascii_letters + string.digits + "+/", max_size=64),
)
_file_name = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="/\\"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() not in ("", ".", ".."))
_btc = st.one_of(
    st.builds(
        lambda version, body: b58check_encode(bytes([version]) + body),
        st.sampled_from([0x00, 0x05]),
        st.binary(min_size=20, max_size=20),
    ),
    st.builds(
        lambda program, upper: (
            segwit_encode("bc", 0, program).upper() if upper else segwit_encode("bc", 0, program)
        ),
        st.binary(min_size=20, max_size=20) | st.binary(min_size=32, max_size=32),
        st.booleans(),
    ),
    st.builds(
        lambda version, program: segwit_encode("bc", version, program),
        st.integers(1, 16),
        st.binary(min_size=2, max_size=40),
    ),
)


def _spell_eth(body: str, style: str) -> str:
    if style == "eip55":
        return eip55_checksum(body)
    return "0x" + (body.upper() if style == "upper" else body)


_eth = st.builds(
    _spell_eth,
    st.binary(min_size=20, max_size=20).map(bytes.hex),
    st.sampled_from(["lower", "upper", "eip55"]),
)
_xmr = st.one_of(
    st.builds(
        lambda prefix, keys: monero_encode(bytes([prefix]) + keys),
        st.sampled_from([0x12, 0x2A]),
        st.binary(min_size=64, max_size=64),
    ),
    st.binary(min_size=72, max_size=72).map(lambda body: monero_encode(b"\x13" + body)),
)


def _make_iban(country: str, bban: str, spaced: bool) -> str:
    bban = bban[: IBAN_LENGTHS[country] - 4].ljust(IBAN_LENGTHS[country] - 4, "0")
    iban = country + iban_check_digits(country, bban) + bban
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if spaced else iban


_iban = st.builds(
    _make_iban,
    st.sampled_from(sorted(IBAN_LENGTHS)),
    st.text(alphabet=string.ascii_uppercase + string.digits, min_size=30, max_size=30),
    st.booleans(),
)


def _example_phones() -> list[str]:
    numbers = []
    e164 = phonenumbers.PhoneNumberFormat.E164
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                numbers.append(phonenumbers.format_number(number, e164))
    return numbers


def _spell_phone(number: str, style: str) -> str:
    if style == "00":
        return "00" + number[1:]
    return f"{number[:3]} {number[3:]}" if style == "spaced" else number


_phone = st.builds(
    _spell_phone,
    st.sampled_from(_example_phones()),
    st.sampled_from(["plus", "00", "spaced"]),
)
_username = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and not s.startswith("@") and not any(c.isspace() for c in s))
_asn = st.builds(
    lambda number, fmt: fmt.format(number),
    st.integers(1, 2**32 - 1),
    st.sampled_from(["AS{}", "as{}", "{}", "ASN {}", "AS {}"]),
)
_user_agent = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from(" \t\n"),
    min_size=1,
    max_size=200,
).filter(lambda s: s.strip() != "")

STRATEGIES: dict[ObservableType, st.SearchStrategy[str]] = {
    T.IPV4: st.ip_addresses(v=4).map(str),
    T.IPV6: st.ip_addresses(v=6).map(lambda a: a.exploded),
    T.CIDR: _cidr,
    T.DOMAIN: _domain,
    T.URL: _url,
    T.EMAIL: _email,
    T.MD5: _hex_digest(16),
    T.SHA1: _hex_digest(20),
    T.SHA256: _hex_digest(32),
    T.SHA512: _hex_digest(64),
    T.SSDEEP: _ssdeep,
    T.FILE_NAME: _file_name,
    T.BTC_WALLET: _btc,
    T.ETH_WALLET: _eth,
    T.XMR_WALLET: _xmr,
    T.IBAN: _iban,
    T.PHONE: _phone,
    T.USERNAME: _username,
    T.ASN: _asn,
    T.JA3: _hex_digest(16),
    T.USER_AGENT: _user_agent,
}


def test_every_type_has_a_strategy() -> None:
    assert set(STRATEGIES) == set(ObservableType)


@settings(deadline=None, max_examples=60)
@given(st.data())
@pytest.mark.parametrize("obs_type", list(ObservableType))
def test_normalise_is_idempotent(obs_type: T, data: st.DataObject) -> None:
    raw = data.draw(STRATEGIES[obs_type], label="raw")
    first = normalise(obs_type, raw)
    assert normalise(obs_type, first.value) == first
    assert len(first.key) == 32
    assert set(first.key) <= set("0123456789abcdef")


_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


@settings(deadline=None)
@given(_domain, st.sampled_from(["[.]", "(.)", "{.}", "[dot]", "(dot)"]), st.booleans())
def test_defanged_domains_share_the_key(domain: str, dot: str, upper: bool) -> None:
    spelled = domain.replace(".", dot)
    # str.upper() turns ß into SS, a different IDNA 2008 name; upper-case ASCII only.
    spelled = spelled.translate(_ASCII_UPPER) if upper else spelled
    assert normalise(T.DOMAIN, spelled).key == normalise(T.DOMAIN, domain).key


@settings(deadline=None)
@given(_url)
def test_defanged_urls_share_the_key(url: str) -> None:
    defanged = url.replace("http", "hxxp", 1).replace(".", "[.]")
    assert normalise(T.URL, defanged).key == normalise(T.URL, url).key


@settings(deadline=None)
@given(_email, st.sampled_from(["[@]", "(at)", " [at] ", "{@}"]))
def test_defanged_emails_share_the_key(email: str, at: str) -> None:
    defanged = email.replace("@", at).replace(".", "[.]")
    upper = email.translate(_ASCII_UPPER)
    assert normalise(T.EMAIL, defanged).key == normalise(T.EMAIL, upper).key


@given(st.ip_addresses(v=6))
def test_ipv6_full_and_compressed_share_the_key(address: ipaddress.IPv6Address) -> None:
    full = normalise(T.IPV6, address.exploded.upper())
    assert full.key == normalise(T.IPV6, address.compressed).key
    assert ipaddress.IPv6Address(full.value) == address
    assert full.value == full.value.lower()


@given(st.binary(min_size=32, max_size=32))
def test_hash_case_shares_the_key(digest: bytes) -> None:
    assert normalise(T.SHA256, digest.hex()).key == normalise(T.SHA256, digest.hex().upper()).key


@given(_iban)
def test_iban_spacing_and_case_share_the_key(iban: str) -> None:
    compact = normalise(T.IBAN, iban)
    assert normalise(T.IBAN, iban.lower()).key == compact.key
    assert normalise(T.IBAN, compact.value).key == compact.key
    assert " " not in compact.value


@settings(deadline=None)
@given(st.sampled_from(_example_phones()))
def test_phone_00_and_plus_share_the_key(number: str) -> None:
    assert normalise(T.PHONE, "00" + number[1:]).key == normalise(T.PHONE, number).key


@given(st.integers(1, 2**32 - 1))
def test_asn_spellings_share_the_key(number: int) -> None:
    assert normalise(T.ASN, f"AS{number}").key == normalise(T.ASN, str(number)).key


@given(st.binary(min_size=20, max_size=20))
def test_eth_lower_and_checksummed_share_the_key(body: bytes) -> None:
    checksummed = eip55_checksum(body.hex())
    lower = normalise(T.ETH_WALLET, "0x" + body.hex())
    assert lower.value == checksummed
    assert lower.key == normalise(T.ETH_WALLET, checksummed).key
