"""Values written with Arabic-Indic or full-width digits, no-break spaces or direction marks
normalise to the key of their ASCII spelling (properties), and what is not folded."""

from __future__ import annotations

import string

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberfusion.domain.checksums import IBAN_LENGTHS, iban_check_digits
from cyberfusion.domain.observable_fold import INVISIBLE, fold_value
from cyberfusion.domain.observables import ObservableType, normalise

T = ObservableType
_ARABIC = str.maketrans(string.digits, "".join(chr(0x0660 + i) for i in range(10)))
_EXTENDED = str.maketrans(string.digits, "".join(chr(0x06F0 + i) for i in range(10)))
_FULL = {c: chr(ord(c) + 0xFEE0) for c in string.ascii_letters + string.digits + ".:@/-_+"}
_MARKS = sorted(chr(c) for c in INVISIBLE)


def full_width(text: str) -> str:
    """`text` in full-width forms."""
    return "".join(_FULL.get(c, c) for c in text)


@st.composite
def spelled(draw: st.DrawFn, value: str, digits: bool = True) -> str:
    """`value` with its digits in another script, full-width forms, marks inside and around."""
    ways = [lambda v: v, full_width] + ([lambda v: v.translate(_ARABIC),
                                          lambda v: v.translate(_EXTENDED)] if digits else [])
    text: str = draw(st.sampled_from(ways))(value)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(_MARKS)) + text[at:]
    return text


def _ibans() -> list[str]:
    out = []
    for country in ("FR", "ES", "SA", "AE", "EG", "JO", "QA", "TN", "BE", "KW"):
        bban = ("1234567890" * 4)[: IBAN_LENGTHS[country] - 4]
        out.append(f"{country}{iban_check_digits(country, bban)}{bban}")
    return out


def _phones() -> list[str]:
    regions = ("FR", "ES", "MA", "DZ", "TN", "EG", "SA", "AE", "MX", "CO", "AR", "BE")
    numbers = [phonenumbers.example_number_for_type(r, phonenumbers.PhoneNumberType.MOBILE)
               for r in regions]
    return [phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            for n in numbers]


@settings(max_examples=80, deadline=None)
@given(st.ip_addresses(v=4).map(str).flatmap(lambda v: st.tuples(st.just(v), spelled(v))))
def test_ipv4_spellings_share_the_key(pair: tuple[str, str]) -> None:
    value, text = pair
    assert normalise(T.IPV4, text).key == normalise(T.IPV4, value).key
    assert normalise(T.CIDR, text).value == f"{value}/32"


@settings(max_examples=40, deadline=None)
@given(st.ip_addresses(v=6).map(lambda a: a.exploded)
       .flatmap(lambda v: st.tuples(st.just(v), spelled(v))))
def test_ipv6_spellings_share_the_key(pair: tuple[str, str]) -> None:
    value, text = pair
    assert normalise(T.IPV6, text).key == normalise(T.IPV6, value).key


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(_ibans()), st.sampled_from([" ", "\u00a0", "\u202f"]), st.data())
def test_iban_in_groups_and_other_digits_shares_the_key(iban: str, sep: str,
                                                        data: st.DataObject) -> None:
    grouped = sep.join(iban[i : i + 4] for i in range(0, len(iban), 4))
    text = data.draw(spelled(grouped))
    assert normalise(T.IBAN, text).key == normalise(T.IBAN, iban).key


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(_phones()), st.sampled_from([" ", "\u00a0", "\u202f"]), st.data())
def test_phone_spellings_share_the_key(number: str, sep: str, data: st.DataObject) -> None:
    text = data.draw(spelled(number.replace(" ", sep)))
    assert normalise(T.PHONE, text).key == normalise(T.PHONE, number).key


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 2**32 - 1).flatmap(lambda n: st.tuples(st.just(n), spelled(f"AS{n}"))))
def test_asn_spellings_share_the_key(pair: tuple[int, str]) -> None:
    number, text = pair
    assert normalise(T.ASN, text).value == f"AS{number}"


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=32, max_size=32).map(bytes.hex)
       .flatmap(lambda v: st.tuples(st.just(v), spelled(v))))
def test_digest_spellings_share_the_key(pair: tuple[str, str]) -> None:
    value, text = pair
    assert normalise(T.SHA256, text).key == normalise(T.SHA256, value).key


_LABEL = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(_LABEL, min_size=1, max_size=3), st.sampled_from(["com", "fr", "es", "ma"]),
       st.data())
def test_domain_email_and_url_spellings_share_the_key(labels: list[str], tld: str,
                                                       data: st.DataObject) -> None:
    domain = ".".join([*labels, tld])
    for otype, value in ((T.DOMAIN, domain), (T.EMAIL, f"info@{domain}"),
                         (T.URL, f"https://{domain}/login")):
        text = data.draw(spelled(value, digits=False))
        assert normalise(otype, text).key == normalise(otype, value).key


def test_url_host_in_arabic_indic_digits_is_the_address() -> None:
    url = "http://\u0661\u0669\u0662.\u0661\u0666\u0668.\u0661.\u0661\u0660/a"
    assert normalise(T.URL, url).value == "http://192.168.1.10/a"


def test_arabic_indic_digits_stay_letters_of_an_arabic_domain_label() -> None:
    arabic = "\u0645\u0648\u0642\u0639\u0663.\u0634\u0628\u0643\u0629"
    western = arabic.replace("\u0663", "3")
    assert normalise(T.DOMAIN, arabic).value != normalise(T.DOMAIN, western).value


@pytest.mark.parametrize("otype", [T.FILE_NAME, T.USERNAME, T.USER_AGENT])
def test_names_as_written_are_not_folded(otype: T) -> None:
    raw = "invoice\u202efdp.exe" if otype is T.FILE_NAME else "\uff41\uff42\uff43"
    assert normalise(otype, raw).value != fold_value(raw)

