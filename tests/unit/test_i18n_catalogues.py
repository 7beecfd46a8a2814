"""The ar, en, fr and es catalogues hold exactly the msgids the templates and marked Python
literals use (none missing, none stale), every one translated with the same placeholders; the
language choice and CLDR dates behave as the pages need."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from cyberfusion import i18n
from cyberfusion.i18n_catalogue import extract, read

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.fixture(scope="module")
def used() -> set[str]:
    """The msgids in use (the singular of plural messages)."""
    return {key[0] if isinstance(key, tuple) else key for key in extract()}


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_catalogue_has_exactly_the_msgids_in_use(language: str, used: set[str]) -> None:
    held = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read(language) if m.id}
    assert not used - held, f"missing in {language}: {sorted(used - held)[:10]} (make catalogues)"
    assert not held - used, f"stale in {language}: {sorted(held - used)[:10]} (make catalogues)"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_msgid_is_translated_with_its_placeholders(language: str) -> None:
    catalogue = read(language)
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(" ".join(ids)))
        assert len(strings) == (catalogue.num_plurals if len(ids) > 1 else 1)
        for string in strings:
            assert string, f"{language}: untranslated {ids[0]!r}"
            assert set(PLACEHOLDER.findall(string)) == expected, (language, ids[0], string)
            string % dict.fromkeys(expected, 1)  # a stray % would break the page


def test_translations_differ_from_english_where_words_do() -> None:
    with i18n.using("fr"):
        assert i18n.gettext("Cases") == "Affaires"
    with i18n.using("es"):
        assert i18n.gettext("Hits") == "Coincidencias"
    with i18n.using("ar"):
        assert i18n.gettext("Log out") == "تسجيل الخروج"
        assert i18n.ngettext("%(num)d day", "%(num)d days", 3) == "%(num)d أيام"


@pytest.mark.parametrize(("preferred", "header", "expected"), [
    ("fr", "ar", "fr"),
    (None, "ar,en;q=0.5", "ar"),
    (None, "de-DE,es;q=0.8,fr;q=0.9", "fr"),
    (None, "es-MX", "es"),
    (None, "de, ja", "en"),
    ("xx", "fr;q=0", "en"),
    (None, None, "en"),
])
def test_language_is_the_choice_then_accept_language_then_english(
        preferred: str | None, header: str | None, expected: str) -> None:
    assert i18n.choose(preferred, header) == expected


@pytest.mark.parametrize(("language", "when", "day"), [
    ("en", "Dec 3, 2026, 09:44 UTC", "Dec 3, 2026"),
    ("fr", "3 déc. 2026, 09:44 UTC", "3 déc. 2026"),
    ("es", "3 dic 2026, 09:44 UTC", "3 dic 2026"),
])
def test_dates_carry_the_year_in_the_locale_order(language: str, when: str, day: str) -> None:
    moment = datetime(2026, 12, 3, 9, 44, tzinfo=UTC)
    with i18n.using(language):
        assert i18n.when(moment) == when
        assert i18n.day(date(2026, 12, 3)) == day


def test_arabic_dates_have_the_year_and_numbers_group_per_locale() -> None:
    with i18n.using("ar"):
        assert "2026" in i18n.when(datetime(2026, 12, 3, 9, 44, tzinfo=UTC))
    with i18n.using("fr"):
        assert i18n.number(12345) == "12\u202f345"
    with i18n.using("es"):
        assert i18n.number(12345.5) == "12.345,5"


def test_every_coded_value_pages_show_has_a_term() -> None:
    from cyberfusion.domain import channel, handling, hits
    from cyberfusion.domain.model import CrimeType
    from cyberfusion.terms import TERMS

    codes = [*CrimeType, *channel.Priority, *channel.PartyStatus, *channel.MessageKind,
             *handling.HitPolicy, *handling.Purpose, *hits.HitSource, *hits.DisclosureStatus]
    labels = [t.label for t in channel.RequestType] + [
        spec.label for specs in channel.REQUEST_FIELDS.values() for spec in specs]
    missing = [c for c in [str(c.value) for c in codes] + labels if c not in TERMS]
    assert not missing, f"add to cyberfusion/terms.py: {missing}"
