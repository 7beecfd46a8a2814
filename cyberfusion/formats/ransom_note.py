"""Ransom notes as text, whatever their encoding: BOMs, UTF-16 without a BOM, legacy code
pages (Cyrillic, Arabic …) guessed by `charset_normalizer`, and HTML notes reduced to text."""

from __future__ import annotations

import unicodedata
from collections import Counter

from cyberfusion.formats.text.sources import html_to_text, looks_like_html

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)  # fmt: skip
#: Notes longer than this are cut (the identifier reads no more).
MAX_NOTE_BYTES = 1_000_000


def decode_note(data: bytes) -> str:
    """The text of a note's bytes; never fails (undecodable bytes become U+FFFD)."""
    data = data[:MAX_NOTE_BYTES]
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    utf16 = _bomless_utf16(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _guess(data)


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: the high byte of each unit takes one or two values (0 for
    Latin, 4 for Cyrillic, 6 for Arabic …) while the low byte varies, and it decodes."""
    sample = data[:4000]
    if len(sample) < 8 or len(sample) % 2:
        return None
    for encoding, high, low in (("utf-16-le", sample[1::2], sample[0::2]),
                                ("utf-16-be", sample[0::2], sample[1::2])):
        top = sum(n for _, n in Counter(high).most_common(2))
        if top >= 0.9 * len(high) and len(set(low)) > min(8, len(low) // 2) \
                and _plausible(sample, encoding):
            return encoding
    return None


def _plausible(sample: bytes, encoding: str) -> bool:
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError:
        return False
    odd = sum(1 for c in text if not c.isprintable() and c not in "\r\n\t")
    return odd <= 0.02 * len(text)


def _guess(data: bytes) -> str:
    from charset_normalizer import from_bytes  # imported on first use: a legacy code page

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", errors="replace")


def note_text(data: bytes, file_name: str = "") -> str:
    """A note's readable text: decoded, HTML reduced to its visible text, NFC-normalised."""
    text = decode_note(data)
    head = text[:2000].lstrip().encode("utf-8", errors="replace")
    if file_name.lower().endswith((".htm", ".html", ".hta")) or looks_like_html(head):
        text = html_to_text(text)[1]
    return unicodedata.normalize("NFC", text.replace("\x00", ""))
