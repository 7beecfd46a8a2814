"""Arabic, French and Spanish text folded to the spellings the patterns read, offsets kept.

The scanner's patterns read ASCII values. `fold()` gives a copy of the text where
Arabic-Indic and full-width digits and signs are ASCII, Arabic punctuation (comma,
semicolon, question mark, full stop: U+060C, U+061B, U+061F, U+06D4) is its ASCII twin
(so URL trimming drops it), no-break and narrow spaces are spaces, and
invisible direction marks and embedding/isolate controls are gone, even inside a value
(`192.168.\u200f1.1`). Where an Arabic letter touches a Latin value (`بـ192.0.2.1`,
`وevil.com`) a space is put between them, except inside a URL path, whose Arabic slugs
are part of the URL. `Folded.origin()` maps an offset of the copy back to the text, so
spans and sentences are those of the text as written. ASCII text is returned unchanged,
at no cost.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from cyberfusion.domain.observable_fold import DIGITS, INVISIBLE, SEPARATORS, SPACES, WIDE

#: Arabic punctuation as its ASCII twin (comma, semicolon, question mark, full stop).
ARABIC_PUNCTUATION = {0x060C: ",", 0x061B: ";", 0x061F: "?", 0x06D4: "."}
#: Direction marks (LRM, RLM, ALM), dropped even from values taken as written.
MARKS: dict[int, None] = dict.fromkeys((0x200E, 0x200F, 0x061C))
_TABLE: dict[int, str] = {**DIGITS, **SEPARATORS, **WIDE, **SPACES, **ARABIC_PUNCTUATION}
#: Arabic script: the Arabic, Arabic Supplement and presentation-form blocks.
_ARABIC = "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefe"


def _class(codes: set[int] | dict[int, str] | frozenset[int]) -> str:
    return "".join(re.escape(chr(c)) for c in sorted(codes))


#: Anything fold() changes or looks at (one scan decides whether a text needs folding).
_NEEDS = re.compile(f"[{_class({*_TABLE, *INVISIBLE})}{_ARABIC}]")
_MAPPED = re.compile(f"[{_class(_TABLE)}]+")
_INVISIBLE = re.compile(f"[{_class(INVISIBLE)}]+")
_ARABIC_CHAR = re.compile(f"[{_ARABIC}]")
#: The place between an Arabic letter and an ASCII letter or digit (either order).
_TOUCH = re.compile(rf"(?<=[{_ARABIC}])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[{_ARABIC}])")


@dataclass(slots=True)
class _Shift:
    """Offsets of an edited copy back to its source: at each break, the delta changes."""

    breaks: list[int] = field(default_factory=list)
    deltas: list[int] = field(default_factory=list)

    def back(self, offset: int) -> int:
        """The source offset of `offset` in the copy."""
        i = bisect_right(self.breaks, offset) - 1
        return offset + self.deltas[i] if i >= 0 else offset


@dataclass(slots=True)
class Folded:
    """The folded copy of a text and the way back to the text's offsets."""

    text: str
    shifts: tuple[_Shift, ...] = ()

    def origin(self, offset: int) -> int:
        """The offset in the original text of `offset` in the folded copy."""
        for shift in reversed(self.shifts):
            offset = shift.back(offset)
        return offset

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span (start, end), end exclusive."""
        if not self.shifts:
            return start, end
        return self.origin(start), self.origin(end - 1) + 1 if end > start else self.origin(end)


def fold(text: str) -> Folded:
    """The text with values spelled as the patterns read them (see the module docstring)."""
    if text.isascii() or _NEEDS.search(text) is None:
        return Folded(text)
    text = _MAPPED.sub(_mapped, text)  # runs only: translate() is slow on a whole text
    shifts: list[_Shift] = []
    if _INVISIBLE.search(text) is not None:
        text, shift = _delete(text)
        shifts.append(shift)
    if _ARABIC_CHAR.search(text) is not None and _TOUCH.search(text) is not None:
        text, shift = _separate(text)
        shifts.append(shift)
    return Folded(text, tuple(shifts))


def _mapped(match: re.Match[str]) -> str:
    return match.group().translate(_TABLE)


def _delete(text: str) -> tuple[str, _Shift]:
    """The text without invisible controls, and the way back."""
    pieces: list[str] = []
    shift = _Shift()
    last, removed = 0, 0
    for m in _INVISIBLE.finditer(text):
        pieces.append(text[last : m.start()])
        removed += m.end() - m.start()
        shift.breaks.append(m.end() - removed)  # where the text after the run now starts
        shift.deltas.append(removed)
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces), shift


def _separate(text: str) -> tuple[str, _Shift]:
    """The text with a space where Arabic script touches a Latin value, and the way back."""
    pieces: list[str] = []
    shift = _Shift()
    last, added = 0, 0
    for m in _TOUCH.finditer(text):
        at = m.start()
        if _in_url_path(text, at):
            continue
        pieces.append(text[last:at])
        pieces.append(" ")
        added += 1
        shift.breaks.append(at + added)
        shift.deltas.append(-added)
        last = at
    pieces.append(text[last:])
    return "".join(pieces), shift


def _in_url_path(text: str, at: int) -> bool:
    """True if offset `at` is inside a whitespace-free run holding a `/` before it."""
    low = max(0, at - 2048)
    start = max(text.rfind(" ", low, at), text.rfind("\n", low, at), text.rfind("\t", low, at))
    return "/" in text[start + 1 : at]
