"""Folding Arabic, French and Spanish text for the patterns, and mapping spans back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cyberfusion.domain.observable_fold import INVISIBLE
from cyberfusion.formats.text import extract
from cyberfusion.formats.text.fold import _TABLE, fold

ARABIC = "\u0627\u0628\u062a\u0645\u0648\u0644\u0640"  # alef, ba, ta, mim, waw, lam, tatweel
_ALPHABET = (
    "ab09 .:/@-_\n" + ARABIC + "\u0660\u0669\u06f0\u06f9\u066b\u060c\u061f\u06d4"
    "\uff10\uff0e\uff20\u00a0\u202f" + "".join(chr(c) for c in sorted(INVISIBLE))
)


def test_ascii_text_is_not_copied() -> None:
    text = "C2 at 185.220.101.47 and evil.example.com"
    folded = fold(text)
    assert folded.text is text and folded.span(3, 9) == (3, 9)


def test_french_text_without_anything_to_fold_is_not_copied() -> None:
    text = "Le serveur \u00e0 l\u2019adresse 185.220.101.47 a \u00e9t\u00e9 bloqu\u00e9."
    assert fold(text).text is text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_every_folded_character_comes_from_its_origin(text: str) -> None:
    folded = fold(text)
    last = -1
    for i, char in enumerate(folded.text):
        at = folded.origin(i)
        assert at >= last
        last = at
        source = text[at]
        if char == " " and source != " " and _TABLE.get(ord(source)) != " ":
            continue  # a space put between Arabic script and a Latin value
        assert _TABLE.get(ord(source), source) == char
    assert all(ord(c) not in INVISIBLE for c in folded.text)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["\u200e", "\u200f", "\u061c", "\u2066", "\u202a", "\u202e", "\u2069"]),
       st.integers(1, 13), st.booleans())
def test_mark_inside_an_address_keeps_the_value_and_its_span(mark: str, at: int, digits: bool
                                                              ) -> None:
    value = "185.220.101.47"
    spelled = value.translate(str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664"
                                            "\u0665\u0666\u0667\u0668\u0669")) if digits else value
    spelled = spelled[:at] + mark + spelled[at:]
    text = f"\u0627\u0644\u0639\u0646\u0648\u0627\u0646 {spelled}\u060c \u062b\u0645"
    [hit] = extract(text)
    assert (hit.type.value, hit.value) == ("ipv4", value)
    assert text[hit.start : hit.end] == spelled


def test_arabic_punctuation_after_a_url_is_not_part_of_it() -> None:
    for mark in ("\u060c", "\u061b", "\u061f", "\u06d4"):
        link = "\u0627\u0644\u0631\u0627\u0628\u0637"
        found = extract(f"{link} https://evil.example.com/login{mark} x")
        assert found[0].value == "https://evil.example.com/login"


def test_arabic_letter_touching_a_value_is_a_boundary() -> None:
    found = extract("\u0628\u0640185.220.101.47\u0648evil-dz.com\u0648\u0647\u0648")
    assert [(e.type.value, e.value) for e in found] == [
        ("ipv4", "185.220.101.47"), ("domain", "evil-dz.com")]


def test_arabic_slug_of_a_url_stays_in_the_url() -> None:
    url = "https://news.example.com/ar/\u0623\u062e\u0628\u0627\u0631123"
    assert extract(f"\u0627\u0646\u0638\u0631 {url} \u0627\u0644\u0622\u0646")[0].value == url


def test_override_inside_a_file_name_is_kept_marks_around_are_not() -> None:
    text = "\u0627\u0644\u0645\u0644\u0641 \u200einvoice\u202efdp.exe\u200e \u0647\u0648"
    [hit] = extract(text)
    assert hit.value == "invoice\u202efdp.exe"
    assert text[hit.start : hit.end] == hit.value


def test_full_width_and_no_break_spaces() -> None:
    found = extract("IP\u00a0: \uff11\uff19\uff12\uff0e\uff11\uff16\uff18\uff0e\uff11\uff0e"
                    "\uff11\u00a0; t\u00e9l. +33\u202f6\u202f12\u202f34\u202f56\u202f78 !")
    assert [(e.type.value, e.value) for e in found] == [
        ("ipv4", "192.168.1.1"), ("phone", "+33612345678")]


def test_version_words_in_spanish_and_arabic() -> None:
    assert extract("la versi\u00f3n 4.2.1.7 del kit") == []
    assert extract("\u0627\u0644\u0625\u0635\u062f\u0627\u0631 \u0664.\u0662.\u0661.\u0667") == []
    copy_to = "\u0623\u0631\u0633\u0644 \u0646\u0633\u062e\u0629 \u0625\u0644\u0649 4.2.1.7"
    assert [e.value for e in extract(copy_to)] == ["4.2.1.7"]


def test_iban_in_its_printed_groups() -> None:
    for sep in (" ", "\u00a0", "\u202f"):
        text = f"IBAN FR76{sep}3000{sep}6000{sep}0112{sep}3456{sep}7890{sep}189."
        assert [e.value for e in extract(text)] == ["FR7630006000011234567890189"]


def test_arabic_indic_digits_of_a_url_path_are_kept() -> None:
    url = "https://news.example.com/\u062e\u0628\u0631-\u0661\u0662\u0663.html"
    [hit, host] = extract(f"\u0627\u0644\u0631\u0627\u0628\u0637 {url}\u061f \u0646\u0639\u0645")
    assert hit.value == url and host.value == "news.example.com"


def test_full_width_url() -> None:
    text = "\uff48\uff54\uff54\uff50\uff53\uff1a\uff0f\uff0f\uff45\uff56\uff49\uff4c\uff0e" \
           "\uff43\uff4f\uff4d\uff0f\uff4c\uff4f\uff47\uff49\uff4e"
    assert extract(text)[0].value == "https://evil.com/login"


def test_the_sentence_of_an_arabic_hit_ends_at_the_arabic_question_mark() -> None:
    address = "\u0661\u0669\u0662.\u0661\u0666\u0668.\u0661.\u0661"
    first = f"\u0647\u0644 \u0632\u0631\u062a {address}\u061f"
    text = f"{first} \u0646\u0639\u0645 \u0632\u0631\u062a\u0647 \u0623\u0645\u0633."
    [hit] = extract(text)
    assert hit.context == first


def test_spanish_ordinals_are_not_host_names() -> None:
    assert extract("el 1.er aviso, el 2.do piso, el 3.ro y el 7.mo pago") == []
    assert [e.value for e in extract("correo en 163.com")] == ["163.com"]
