"""The four working languages (ar, en, fr, es): gettext catalogues read from the package's .po
files at first use (no compile step), the language of the current render, and CLDR dates and
numbers through Babel, always with the year."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment

LANGUAGES = ("en", "ar", "fr", "es")
DEFAULT = "en"
NAMES = {"en": "English", "ar": "العربية", "fr": "Français", "es": "Español"}
RTL = frozenset({"ar"})
_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


@cache
def translations(language: str) -> Translations:
    """The catalogue of `language`, read from its .po file and kept for the process."""
    po = resources.files("cyberfusion") / "locale" / language / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain="messages")


def current() -> str:
    """The language of the page or document being rendered."""
    return _current.get()


@contextmanager
def using(language: str) -> Iterator[None]:
    """Render in `language` for the duration of the block."""
    token = _current.set(language if language in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """`message` in the current language (itself when the catalogue lacks it)."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for `n` in the current language."""
    return translations(current()).ngettext(singular, plural, n)


def direction(language: str) -> str:
    """`rtl` for right-to-left languages, else `ltr`."""
    return "rtl" if language in RTL else "ltr"


def choose(preferred: str | None, accept_language: str | None) -> str:
    """The person's chosen language, else the best of `Accept-Language`, else English."""
    if preferred in LANGUAGES:
        return str(preferred)
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return sorted(ranked)[0][2] if ranked else DEFAULT


def _locale() -> Locale:
    return Locale.parse(current())


def when(value: datetime | str | None) -> str:
    """A moment in UTC in the current language, with the year and the zone (e.g. 3 déc. 2026,
    09:44 UTC); ISO text as presenters give it is read first."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    locale = _locale()
    pattern = str(locale.datetime_formats["medium"])
    text = pattern.replace("{1}", dates.format_date(moment.astimezone(UTC).date(), "medium",
                                                    locale=locale))
    return text.replace("{0}", dates.format_time(moment, "HH:mm", tzinfo=UTC,
                                                 locale=locale)) + " UTC"


def day(value: date | datetime | None) -> str:
    """A calendar day in the current language, with the year (e.g. 3 dic 2026)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date() if value.tzinfo else value.date()
    return dates.format_date(value, "medium", locale=_locale())


def local_time(value: datetime | None) -> str:
    """A weekday and clock time as they are where `value` was taken (a rota's own zone)."""
    if value is None:
        return ""
    return dates.format_datetime(value, "EEE HH:mm", tzinfo=value.tzinfo, locale=_locale())


def number(value: int | float | None) -> str:
    """A count or figure with the current language's grouping and decimal signs."""
    if value is None:
        return ""
    return numbers.format_decimal(value, locale=_locale())


def mark(message: str) -> str:
    """Mark a literal for the catalogues; it is translated where a page shows it."""
    return message


def install(env: Environment) -> None:
    """Give `env` `_()`/`ngettext()` in the current language and the `when`, `day`,
    `local_time` and `number` filters, and `tr` for a message held in a variable (marked with
    `mark()` where it is written)."""
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True)
    env.filters.update(when=when, day=day, number=number, local_time=local_time,
                       tr=gettext)
