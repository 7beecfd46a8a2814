"""The catalogues' source of truth: every msgid wrapped in the templates (`_()`) and marked in
Python (`mark()`, `_()`), extracted with Babel's jinja2 and python extractors; `update` rewrites
each language's .po with the current msgids, keeping translations and dropping stale ones.

Run `python -m cyberfusion.i18n_catalogue update` (or `make catalogues`) after wrapping text.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po, write_po

from cyberfusion.i18n import LANGUAGES

PACKAGE = Path(__file__).parent
TEMPLATE_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
PYTHON_KEYWORDS = {"mark": None}  # `_` is a throwaway name in some modules, not a message
TEMPLATES = [("web/ui/templates/**.html", "jinja2"), ("formats/report_templates/**.html", "jinja2")]
OPTIONS = {"web/ui/templates/**.html": {"extensions": "jinja2.ext.i18n"},
           "formats/report_templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def po_path(language: str) -> Path:
    """Where the catalogue of `language` lives in the package."""
    return PACKAGE / "locale" / language / "LC_MESSAGES" / "messages.po"


def extract() -> dict[str | tuple[str, str], list[tuple[str, int]]]:
    """Every msgid (a (singular, plural) pair for plurals) with where it is used."""
    found: dict[str | tuple[str, str], list[tuple[str, int]]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), TEMPLATES, OPTIONS, TEMPLATE_KEYWORDS, strip_comment_tags=True):
        _add(found, message, filename, line)
    for path in sorted(PACKAGE.rglob("*.py")):
        if "mark(" not in path.read_text(encoding="utf-8"):
            continue  # only modules that mark messages (the tokenizer is slow and chatty)
        for line, message, _comments, _context in extract_from_file(
                "python", str(path), keywords=PYTHON_KEYWORDS):
            _add(found, message, str(path.relative_to(PACKAGE)), line)
    return found


def _add(found: dict[str | tuple[str, str], list[tuple[str, int]]],
         message: str | tuple[str, ...], filename: str, line: int) -> None:
    key: str | tuple[str, str] = (
        (str(message[0]), str(message[1])) if isinstance(message, tuple) else message)
    if key:
        found.setdefault(key, []).append((filename, line))


def read(language: str) -> Catalog:
    """The catalogue of `language` as it is on disk."""
    with po_path(language).open("rb") as fh:
        return read_po(fh, locale=language)


def update(language: str) -> int:
    """Rewrite the .po of `language` with the current msgids; returns how many lack a
    translation (English is its own translation)."""
    old = read(language) if po_path(language).exists() else Catalog(locale=language)
    new = Catalog(locale=language, project="cyberfusion", domain="messages",
                  fuzzy=False, charset="utf-8")
    missing = 0
    for key, places in sorted(extract().items(), key=lambda item: str(item[0])):
        previous = old.get(key[0] if isinstance(key, tuple) else key)
        if language == "en":
            string: str | tuple[str, ...] | list[str] = key
        else:
            string = previous.string if previous and previous.string else (
                ("", "") if isinstance(key, tuple) else "")
        if not (string[0] if isinstance(string, tuple) else string):
            missing += 1
        new.add(key, string, locations=sorted(places))
    po_path(language).parent.mkdir(parents=True, exist_ok=True)
    with po_path(language).open("wb") as fh:
        write_po(fh, new, width=100, include_previous=False)
    return missing


def main(argv: list[str]) -> int:
    """`update`: rewrite every catalogue and say what is left to translate."""
    if argv != ["update"]:
        sys.stderr.write("usage: python -m cyberfusion.i18n_catalogue update\n")
        return 2
    for language in LANGUAGES:
        sys.stdout.write(f"{language}: {update(language)} untranslated\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
