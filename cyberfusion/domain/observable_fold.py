"""How Arabic, French and Spanish writing spells ASCII values, and how to fold it back.

Reports written in Arabic carry Arabic-Indic digits (U+0660-0669, extended U+06F0-06F9),
the Arabic decimal and thousands separators (U+066B, U+066C), invisible direction marks
and embedding or isolate controls that editors put around Latin runs (U+200E, U+200F,
U+061C, U+202A-202E, U+2066-2069); East-Asian input methods give full-width forms
(digits, full stop, at sign and colon of U+FF01-FF5E); French and Spanish typography puts
no-break spaces inside numbers. A value written so is the same value as its ASCII
spelling, so it must get the same canonical form and key. Pure, no I/O.
"""

from __future__ import annotations

__all__ = [
    "DIGITS",
    "INVISIBLE",
    "SEPARATORS",
    "SPACES",
    "WIDE",
    "fold_digits",
    "fold_value",
]

#: Arabic-Indic and Extended Arabic-Indic digits, as code point -> ASCII digit.
DIGITS: dict[int, str] = {
    **{0x0660 + i: str(i) for i in range(10)},
    **{0x06F0 + i: str(i) for i in range(10)},
}
#: Full-width ASCII forms (U+FF01-FF5E) and the ideographic full stop, as code point -> ASCII.
WIDE: dict[int, str] = {**{0xFF01 + i: chr(0x21 + i) for i in range(94)}, 0x3002: "."}
#: Spaces that are not ASCII but separate groups of digits (no-break, narrow, thin, figure).
SPACES: dict[int, str] = dict.fromkeys((0x00A0, 0x2007, 0x2009, 0x202F, 0x3000), " ")
#: Characters that are invisible in the value: direction marks, embeddings, overrides,
#: isolates, zero-width space, word joiner, BOM and soft hyphen.
INVISIBLE: frozenset[int] = frozenset(
    (0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
     0x200B, 0x2060, 0xFEFF, 0x00AD)
)
#: Arabic decimal and thousands separators, read as `.` and `,` in numbers.
SEPARATORS: dict[int, str] = {0x066B: ".", 0x066C: ","}

# Full-width digits (U+FF10-FF19) are in WIDE: they differ in width, not in script.
_WITHOUT_DIGITS: dict[int, str | None] = {**WIDE, **SPACES, **dict.fromkeys(INVISIBLE)}
_WITH_DIGITS: dict[int, str | None] = {**_WITHOUT_DIGITS, **DIGITS, **SEPARATORS}
_DIGITS_ONLY: dict[int, str] = {**DIGITS, **SEPARATORS}


def fold_value(raw: str, digits: bool = True) -> str:
    """`raw` with invisible controls dropped, full-width forms and odd spaces made ASCII.

    With `digits`, Arabic-Indic digits and separators become ASCII too (for numbers,
    addresses, IBANs, phones); without, they are kept (in a domain name they are letters
    of an Arabic label). ASCII text is returned as it is.
    """
    if raw.isascii():
        return raw
    return raw.translate(_WITH_DIGITS if digits else _WITHOUT_DIGITS)


def fold_digits(raw: str) -> str:
    """`raw` with Arabic-Indic digits and separators only made ASCII (nothing else)."""
    if raw.isascii():
        return raw
    return raw.translate(_DIGITS_ONLY)
