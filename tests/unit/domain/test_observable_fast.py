"""Canonical fast path of normalise: the same value, key or rejection as the full normalisers."""

from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
import string
from collections.abc import Callable

import idna
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cyberfusion.domain import observable_fast as fast
from cyberfusion.domain.checksums import ChecksumError
from cyberfusion.domain.correlation import (
    IPV4_NETWORK_PREFIX,
    IPV6_NETWORK_PREFIX,
    Via,
    _network_key,
)
from cyberfusion.domain.observable_net import _punycode_error
from cyberfusion.domain.observable_types import Rejected
from cyberfusion.domain.observables import (
    _CANONICAL_SHAPES,
    _NORMALISERS,
    _SLOW_NORMALISERS,
    Observable,
    ObservableType,
    _observable,
    normalise,
    normalise_many,
    observable_key,
)
from cyberfusion.errors import InvalidObservable

T = ObservableType
Outcome = tuple[str, str, str]

# --- strategies: canonical-looking values, then the same with random damage -------------------

# Characters that change or break a value: case, dots and defang brackets, separators,
# whitespace, escapes, digits, non-ASCII letters and dots that UTS 46 maps to '.', and the
# characters that normalisation folds.
_NASTY = (
    ".-_:/@?#%[](){}<>\\ \t\n*xXnN019aAzZ~!$&'+,;=`|^\"" + "ßüİ\u0661\u00a0\u3002\uff0e\u200d"
    # spellings that normalisation folds (observable_fold): Arabic-Indic, full-width, marks
    + "\u06f1\uff11\uff20\u202f\u200e\u200f\u061c\u2066\u2069\u202e"
)


def _insert(text: str, at: int, char: str) -> str:
    return text[:at] + char + text[at:]


def _replace(text: str, at: int, char: str) -> str:
    return text[:at] + char + text[at + 1 :]


def _delete(text: str, at: int, _char: str) -> str:
    return text[:at] + text[at + 1 :]


def _upper_at(text: str, at: int, _char: str) -> str:
    return text[:at] + text[at : at + 1].upper() + text[at + 1 :]


def _defang(text: str, at: int, _char: str) -> str:
    dot = text.find(".", at)
    return text if dot < 0 else text[:dot] + "[.]" + text[dot + 1 :]


def _whole(text: str, _at: int, char: str) -> str:
    return {"U": text.upper(), " ": f" {text} ", ".": text + ".", "\n": text + "\n"}.get(
        char, char + text
    )


_EDITS: list[Callable[[str, int, str], str]] = [
    _insert, _replace, _delete, _upper_at, _defang, _whole,
]  # fmt: skip


@st.composite
def _damaged(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """A value from `base` with one to three random edits."""
    text = draw(base)
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from(_EDITS))
        at = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from(_NASTY + "U"))
        text = edit(text, at, char)
    return text


def _messy(base: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Values from `base` as they are, or damaged."""
    return st.one_of(base, _damaged(base))


_octet = st.integers(0, 255).map(str) | st.sampled_from(
    ["00", "01", "010", "0255", "256", "999", "0x1", "1e1", "", "-1", "+1", "\u0661"]
)
_ipv4 = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.lists(_octet, min_size=3, max_size=5).map(".".join),
)
_label = st.one_of(
    st.from_regex(r"[a-z0-9_-]{1,12}", fullmatch=True),
    st.from_regex(r"xn--[a-z0-9-]{1,10}", fullmatch=True),
    st.sampled_from(
        ["a" * 63, "b" * 64, "xn--bcher-kva", "xn--zz", "-a", "a-", "_", "123", "0", "a--b",
         "bücher", "пример", "straße", "\uff25\uff38\uff21", "x\u200dy", "hxxp", "a-hxxps"]
    ),
)  # fmt: skip
_tld = st.from_regex(r"[a-z0-9_-]{1,6}", fullmatch=True) | st.sampled_from(["com", "123", "中国"])
_short_domain = st.builds(
    lambda labels, tld: ".".join([*labels, tld]), st.lists(_label, max_size=4), _tld
)
_long_domain = st.builds(
    lambda sizes, tld: ".".join("a" * size for size in sizes) + "." + tld,
    st.lists(st.integers(50, 64), min_size=3, max_size=4),
    st.sampled_from(["com", "c", "io", "12"]),
)
_domain = _short_domain | _long_domain
_local = st.one_of(
    st.from_regex(r"[a-z0-9]+(?:[._+-][a-z0-9]+){0,2}", fullmatch=True),
    st.text(alphabet=string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~.-", max_size=66),
    st.sampled_from(["a" * 64, "a" * 65, "mailto:x", "x{.}y", "x{at}y", "é"]),
)
_email = st.builds(lambda local, domain: f"{local}@{domain}", _local, _domain)
_escape = st.builds(
    lambda pair: "%" + pair,
    st.text(alphabet="0123456789abcdefABCDEF", min_size=2, max_size=2),
)
_safe_text = st.text(alphabet=string.ascii_letters + string.digits + "-._~!$&'*+,;=@/", max_size=12)
# Path and query pieces: mostly characters kept as they are, sometimes one that is not.
_url_piece = st.one_of(
    _safe_text,
    _safe_text,
    _escape,
    st.text(alphabet=string.punctuation + " é", max_size=2),
    st.sampled_from(["hxxp:", "fxp:", "-hxxps:", "h**p(", "fxp[", "[.]", "(dot)", "{.}", "\\.",
                     "../", "%", "%4", "?", "#", ":", "é"]),
)  # fmt: skip
_url_text = st.lists(_url_piece, max_size=4).map("".join)
_url = st.builds(
    lambda scheme, userinfo, host, port, path, query, fragment: (
        f"{scheme}://{userinfo}{host}{port}{path}{query}{fragment}"
    ),
    st.sampled_from(["http", "https", "http", "https", "HTTP", "hxxp", "hXXps", "ftp", "fxp"]),
    st.sampled_from(["", "", "", "", "user@", "a:b@"]),
    st.one_of(
        _domain,
        _ipv4,
        st.sampled_from(["[2001:db8::1]", "[::1.2.3.4]", "", "a.hxxp", "b.fxps", "c.d-hxxps"]),
    ),
    st.sampled_from(
        ["", "", "", ":8080", ":80", ":443", ":0", ":00", ":080", ":65535", ":65536", ":", ":21"]
    ),
    st.one_of(_url_text.map(lambda p: "/" + p), st.just(""), _url_text),
    st.one_of(st.just(""), st.just("?"), _url_text.map(lambda q: "?" + q)),
    st.sampled_from(["", "", "", "#", "#frag"]),
)


def _hex(length: int) -> st.SearchStrategy[str]:
    exact = st.binary(min_size=length // 2, max_size=length // 2).map(bytes.hex)
    near = st.text(alphabet="0123456789abcdefABCDEFg", min_size=length - 1, max_size=length + 1)
    return exact | near


MESSY: dict[ObservableType, st.SearchStrategy[str]] = {
    T.IPV4: _messy(_ipv4),
    T.DOMAIN: _messy(_domain),
    T.URL: _messy(_url),
    T.EMAIL: _messy(_email),
    T.MD5: _messy(_hex(32)),
    T.SHA1: _messy(_hex(40)),
    T.SHA256: _messy(_hex(64)),
    T.SHA512: _messy(_hex(128)),
    T.JA3: _messy(_hex(32)),
}

# --- the fast path changes nothing ------------------------------------------------------------


def _reference_key(obs_type: ObservableType, canonical: str) -> str:
    """The key formula as documented, computed from scratch."""
    return hashlib.sha256(f"{obs_type.value}\x1f{canonical}".encode()).hexdigest()[:32]


def _slow_outcome(obs_type: ObservableType, raw: str) -> Outcome:
    """What normalise gave before the fast path: full normaliser, reference key or reason."""
    try:
        value = _SLOW_NORMALISERS[obs_type](raw)
    except (Rejected, ChecksumError) as exc:
        return ("rejected", str(exc), "")
    return ("ok", value, _reference_key(obs_type, value))


def _outcome(obs_type: ObservableType, raw: str) -> Outcome:
    try:
        found = normalise(obs_type, raw)
    except InvalidObservable as exc:
        return ("rejected", exc.reason, "")
    return ("ok", found.value, found.key)


def test_every_fast_type_has_a_messy_strategy() -> None:
    assert set(MESSY) == set(_CANONICAL_SHAPES)


@settings(deadline=None, max_examples=400)
@given(st.data())
@pytest.mark.parametrize("obs_type", sorted(_CANONICAL_SHAPES))
def test_fast_path_gives_what_the_full_normaliser_gives(
    obs_type: T, data: st.DataObject
) -> None:
    raw = data.draw(MESSY[obs_type], label="raw")
    expected = _slow_outcome(obs_type, raw)
    assert _outcome(obs_type, raw) == expected
    if _CANONICAL_SHAPES[obs_type](raw):
        assert expected == ("ok", raw, _reference_key(obs_type, raw))


def _name(length: int) -> str:
    """A valid LDH domain of exactly `length` characters (labels of at most 63)."""
    labels = []
    while length > 64:
        labels.append("a" * 63)
        length -= 64
    return ".".join([*labels, "b" * (length - 4), "com"])


EDGE_CASES = [
    "192.0.2.1", "192.0.2.01", "0.0.0.0", "255.255.255.256", "1.2.3", "1.2.3.4.5",
    "_dmarc.example.org", "a-.com", "-a.com", "a.-b.com", "a.b-", "a.123", "a.1b", "a.b_",
    "a." + "b" * 63 + ".com", "a." + "b" * 64 + ".com", _name(253), _name(254), "a.xn--p1ai",
    "a.xn--zz.com", "axn--b.com",
    "a.b@c.com", "a..b@c.com", ".a@c.com", "a.@c.com", "a@c.com.", "mailto:a@c.com", "a{at}b.com",
    "x{.}y@b.com", "x@y.xn--p1ai", "a" * 64 + "@b.com", "a" * 65 + "@b.com",
    "a" * 64 + "@" + _name(189), "a" * 64 + "@" + _name(190), "a@" + _name(252),
    "http://a.com", "http://a.com/", "http://a.com:80/", "https://a.com:443/", "http://a.com:443/",
    "https://a.com:80/", "http://a.com:080/", "http://a.com:0/", "http://a.com:00/",
    "http://a.com:65535/", "http://a.com:65536/", "http://1.2.3.4:8080/x", "http://1.2.3.04/",
    "http://a.hxxp:81/", "http://a.b-hxxps:81/", "http://a.b-fxp:81/", "http://a.hxxp/",
    "http://a.com/?hxxp:", "http://a.com/?a<b>", "http://a.com/?a;b=c",
    "http://a.com?", "http://a.com/?", "http://a.com/?a", "http://a.com/??", "http://a.com/#",
    "http://a.com/#x", "http://a.com./", "http://a.123/", "http://A.com/", "HTTP://a.com/",
    "http://a.com/hxxp:x", "http://a.com/x-fxp:y", "http://a.com/h**p(", "http://a.com/a[.]b",
    "http://a.com/p%2F%7E", "http://a.com/p%2f", "http://a.com/%", "http://a.com/%4",
    "http://u@a.com/", "http://" + _name(253) + "/", "http://" + _name(254) + "/",
    "http://a.xn--p1ai/", "http://a.com/xn--", "ftp://a.com/", "http://[::1]/",
    "e" * 32, "E" * 32, "e" * 31, "e" * 40, "e" * 64, "e" * 128, "g" * 32,
]  # fmt: skip


@pytest.mark.parametrize("obs_type", sorted(_CANONICAL_SHAPES))
@pytest.mark.parametrize("raw", EDGE_CASES)
def test_fast_path_edge_cases(obs_type: T, raw: str) -> None:
    assert _outcome(obs_type, raw) == _slow_outcome(obs_type, raw)


@pytest.mark.parametrize("code", range(256))
def test_every_percent_escape_is_kept_or_rewritten_as_the_full_path_does(code: int) -> None:
    for pair in {f"{code:02X}", f"{code:02x}"}:
        for url in (f"http://a.com/x%{pair}y", f"https://a.com/?q=%{pair}"):
            assert _outcome(T.URL, url) == _slow_outcome(T.URL, url)


def test_a_str_subclass_normalises_to_a_plain_str() -> None:
    class Text(str):
        pass

    assert type(normalise(T.IPV4, Text("192.0.2.1")).value) is str


# --- the fast path is taken for the values bulk ingest sees ---------------------------------

_canonical_label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True).filter(
    lambda label: "xn--" not in label
)
_canonical_domain = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_canonical_label, min_size=1, max_size=3),
    st.from_regex(r"[a-z]{2,8}", fullmatch=True),
).filter(lambda name: "xn--" not in name)
_canonical_url = st.builds(
    lambda scheme, host, port, path, query: f"{scheme}://{host}{port}/{path}{query}",
    st.sampled_from(["http", "https"]),
    _canonical_domain | st.ip_addresses(v=4).map(str),
    st.sampled_from(["", ":8080", ":8443"]),
    st.text(alphabet=string.ascii_letters + string.digits + "-._~/", max_size=30),
    st.one_of(st.just(""), st.from_regex(r"\?[a-z]{1,5}=(?:[0-9A-Za-z]|%2F){1,8}", fullmatch=True)),
)
_canonical_email = st.builds(
    lambda local, domain: f"{local}@{domain}",
    # A canonical local part has at most 64 characters (RFC 5321 4.5.3.1.1): a longer one
    # drawn now and then is rejected by both normalisers, and is no canonical value.
    st.from_regex(r"[a-z0-9]+(?:[._+-][a-z0-9]+){0,2}", fullmatch=True).filter(
        lambda local: len(local) <= 64),
    _canonical_domain,
)
CANONICAL: dict[ObservableType, st.SearchStrategy[str]] = {
    T.IPV4: st.ip_addresses(v=4).map(str),
    T.DOMAIN: _canonical_domain,
    T.URL: _canonical_url.map(lambda url: normalise(T.URL, url).value),
    T.EMAIL: _canonical_email,
    T.MD5: st.binary(min_size=16, max_size=16).map(bytes.hex),
    T.SHA1: st.binary(min_size=20, max_size=20).map(bytes.hex),
    T.SHA256: st.binary(min_size=32, max_size=32).map(bytes.hex),
    T.SHA512: st.binary(min_size=64, max_size=64).map(bytes.hex),
    T.JA3: st.binary(min_size=16, max_size=16).map(bytes.hex),
}


@settings(deadline=None)
@given(st.data())
@pytest.mark.parametrize("obs_type", sorted(_CANONICAL_SHAPES))
def test_common_canonical_values_take_the_fast_path(obs_type: T, data: st.DataObject) -> None:
    value = data.draw(CANONICAL[obs_type], label="value")
    assert _CANONICAL_SHAPES[obs_type](value)
    assert _NORMALISERS[obs_type](value) == value == _SLOW_NORMALISERS[obs_type](value)


# --- keys and observables built the cheap way -------------------------------------------------


@given(st.sampled_from(list(ObservableType)), st.text())
def test_observable_key_is_the_documented_formula(obs_type: T, canonical: str) -> None:
    assert observable_key(obs_type, canonical) == _reference_key(obs_type, canonical)


def test_slot_constructor_sets_every_field_like_the_dataclass() -> None:
    assert [f.name for f in dataclasses.fields(Observable)] == ["type", "value", "key"]
    made = _observable(T.IPV4, "192.0.2.1", "k")
    assert made == Observable(T.IPV4, "192.0.2.1", "k")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.key = "other"  # type: ignore[misc]


# --- punycode verdicts are cached ------------------------------------------------------------


@given(st.from_regex(r"xn--[a-z0-9-]{0,70}", fullmatch=True))
@example("xn--mnchen-3ya")
@example("xn--bcher-kva")
@example("xn--zz")
@example("xn--" + "a" * 70)
def test_cached_punycode_verdict_is_the_idna_verdict(label: str) -> None:
    try:
        idna.ulabel(label)
        expected = None
    except idna.IDNAError as exc:
        expected = str(exc)
    assert _punycode_error(label) == expected
    assert _punycode_error(label) == expected  # the second answer comes from the cache


def test_overlong_punycode_labels_are_judged_without_the_cache() -> None:
    calls = _punycode_error.cache_info()
    with pytest.raises(InvalidObservable, match="not valid punycode/IDNA 2008"):
        normalise(T.DOMAIN, "xn--" + "a" * 70 + ".com")
    after = _punycode_error.cache_info()
    assert after.hits + after.misses == calls.hits + calls.misses
    normalise(T.DOMAIN, "xn--mnchen-3ya.de")
    assert _punycode_error.cache_info().hits + _punycode_error.cache_info().misses > (
        calls.hits + calls.misses
    )


# --- network keys without ipaddress -------------------------------------------------------------


def _reference_network(address: str) -> tuple[str, str] | str:
    """The /24 or /48 network value and key via `ipaddress`, or the error it raises."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError as exc:
        return type(exc).__name__
    prefix = IPV4_NETWORK_PREFIX if ip.version == 4 else IPV6_NETWORK_PREFIX
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    canonical = normalise(T.CIDR, network.with_prefixlen)
    return canonical.value, canonical.key


def _network_outcome(address: str) -> tuple[str, str] | str:
    try:
        found = _network_key(address)
    except ValueError as exc:
        return type(exc).__name__
    assert (found.type, found.via) == (T.CIDR, Via.NETWORK)
    return found.value, found.key


@given(st.ip_addresses().map(str) | _messy(_ipv4))
@example("0.0.0.0")
@example("255.255.255.255")
def test_network_key_matches_the_ipaddress_computation(address: str) -> None:
    assert _network_outcome(address) == _reference_network(address)


@given(st.ip_addresses(v=4), st.integers(0, 32))
def test_ipv4_network_clears_the_host_bits_like_ipaddress(
    address: ipaddress.IPv4Address, prefix: int
) -> None:
    expected = ipaddress.ip_network(f"{address}/{prefix}", strict=False).with_prefixlen
    assert fast.ipv4_network(str(address), prefix) == expected


def _each_outcome(obs_type: ObservableType, raws: list[str]) -> list[Outcome]:
    made = normalise_many(obs_type, raws)
    return [("rejected", m.detail, m.issues[0].location) if isinstance(m, InvalidObservable)
            else ("ok", m.value, m.key) for m in made]


def _one_outcome(obs_type: ObservableType, raw: str) -> Outcome:
    try:
        found = normalise(obs_type, raw)
    except InvalidObservable as exc:
        return ("rejected", exc.detail, exc.issues[0].location)
    return ("ok", found.value, found.key)


@settings(deadline=None, max_examples=100)
@given(st.data())
@pytest.mark.parametrize("obs_type", sorted(_CANONICAL_SHAPES))
def test_normalise_many_gives_what_normalise_gives_one_by_one(
    obs_type: T, data: st.DataObject
) -> None:
    raws = data.draw(st.lists(MESSY[obs_type], max_size=8), label="raws")
    assert _each_outcome(obs_type, raws) == [_one_outcome(obs_type, raw) for raw in raws]


@pytest.mark.parametrize("obs_type", list(ObservableType))
def test_normalise_many_on_edge_cases_of_every_type(obs_type: T) -> None:
    raws = [*EDGE_CASES, "+33 1 23 45 67 89", "FR76 3000 6000 0112 3456 7890 189", "x" * 9000]
    assert _each_outcome(obs_type, raws) == [_one_outcome(obs_type, raw) for raw in raws]
