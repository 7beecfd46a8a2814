"""A small, fast reader for the simple STIX 2.1 patterns that name observable values.

STIX 2.1 section 9 (docs.oasis-open.org/cti/stix/v2.1/os) defines the full patterning
language. We read only the forms that state values outright: `[path = 'literal']`, several
such comparisons joined by OR (inside one observation or across observations), and AND of
comparisons on the same object type inside one observation (MISP writes a file's hashes so).
Anything else (other operators, qualifiers, FOLLOWEDBY, parentheses, typed literals) is
"complex": the reader returns None and the indicator is kept without observables.
"""

from __future__ import annotations

import re

#: An object path: `type:prop`, then `.prop`, `.'quoted prop'`, `[*]` or `[n]` steps.
_PATH = (
    r"([a-z0-9][a-z0-9-]*[a-z0-9]):"
    r"((?:[A-Za-z0-9_-]+|'[^']+')(?:\.(?:[A-Za-z0-9_-]+|'[^']+')|\[(?:\*|[0-9]+)\])*)"
)
#: A string literal (with \' and \\ escapes) or an integer.
_LITERAL = r"(?:'([^'\\]*(?:\\.[^'\\]*)*)'|(-?[0-9]+)(?![0-9.]))"
_COMPARISON = re.compile(r"\s*" + _PATH + r"\s*=\s*" + _LITERAL + r"\s*")
_SINGLE = re.compile(r"\s*\[" + _COMPARISON.pattern + r"\]\s*")
_WORD = re.compile(r"\s*(AND|OR)(?=[\s\[])\s*|\s*(\])\s*|\s*(\[)\s*|\s*$")
_UNESCAPE = re.compile(r"\\(.)")

Comparison = tuple[str, str, str]
"""(object type, property path without quotes, literal value as text)."""


def _literal(match: re.Match[str], first: int) -> str:
    """The literal's text: a string unescaped (section 9.2), or an integer's digits."""
    text, number = match.group(first), match.group(first + 1)
    if text is None:
        return str(number)
    return _UNESCAPE.sub(r"\1", text) if "\\" in text else text


def read_pattern(pattern: str) -> list[Comparison] | None:
    """The comparisons of a simple pattern (section 9), or None for anything else."""
    single = _SINGLE.fullmatch(pattern)
    if single is not None:
        return [(single.group(1), single.group(2).replace("'", ""), _literal(single, 3))]
    return _read_general(pattern)


def _read_general(pattern: str) -> list[Comparison] | None:
    """Observations joined by OR; inside each, comparisons joined by all-OR or all-AND."""
    found: list[Comparison] = []
    pos, end = 0, len(pattern)
    while True:
        opened = _WORD.match(pattern, pos)
        if opened is None or opened.group(3) is None:
            return None
        group = _read_observation(pattern, opened.end())
        if group is None:
            return None
        comparisons, pos = group
        found.extend(comparisons)
        after = _WORD.match(pattern, pos)
        if after is None:
            return None
        if after.end() >= end and after.group(0).strip() == "":
            return found
        if after.group(1) != "OR":
            return None
        pos = after.end()


def _read_observation(pattern: str, pos: int) -> tuple[list[Comparison], int] | None:
    """Comparisons up to the closing bracket, and the position after it; None if complex."""
    found: list[Comparison] = []
    joins: set[str] = set()
    while True:
        match = _COMPARISON.match(pattern, pos)
        if match is None:
            return None
        found.append((match.group(1), match.group(2).replace("'", ""), _literal(match, 3)))
        word = _WORD.match(pattern, match.end())
        if word is None:
            return None
        if word.group(2) is not None:
            break
        if word.group(1) is None:
            return None
        joins.add(word.group(1))
        pos = word.end()
    if len(joins) > 1 or ("AND" in joins and len({c[0] for c in found}) > 1):
        return None
    return found, word.end()
