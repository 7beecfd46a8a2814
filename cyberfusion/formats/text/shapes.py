"""Small shape tests for the scanner: where a token starts, what a long token may be."""

from __future__ import annotations

from collections.abc import Iterator

from cyberfusion.domain.checksums import IBAN_LENGTHS
from cyberfusion.domain.observables import ObservableType
from cyberfusion.formats.text import patterns as P

T = ObservableType

_HOST_CHARS = frozenset("_-")
_LOCAL_CHARS = frozenset("._%+-")
_NAME_CHARS = frozenset("._-")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ*[]():")
_DEFANGED_DOTS = ("[.]", "(.)", "{.}", "[ . ]", "( . )", "{ . }")
_HEX_TYPES = {32: T.MD5, 40: T.SHA1, 64: T.SHA256, 128: T.SHA512}

#: Words after `@` that are code, CSS or chat mentions rather than accounts.
NOT_HANDLES = frozenset({
    "echo", "media", "import", "keyframes", "font-face", "charset", "property", "override",
    "staticmethod", "classmethod", "dataclass", "param", "return", "returns", "throws",
    "author", "since", "see", "deprecated", "interface", "end", "implementation", "protocol",
    "synthesize", "everyone", "here", "channel", "all", "type", "var", "link", "example",
})  # fmt: skip
#: Framework names that look like file names.
NOT_FILES = frozenset({
    "node.js", "vue.js", "next.js", "nuxt.js", "d3.js", "three.js", "ember.js", "chart.js",
    "express.js", "deno.js", "backbone.js", "angular.js", "react.js",
})  # fmt: skip


def host_start(text: str, sep: int) -> int:
    """Start of the dotted token (labels and fanged or defanged dots) around offset `sep`."""
    i = sep
    floor = max(0, sep - 256)
    while i > floor:
        char = text[i - 1]
        if char.isalnum() or char in _HOST_CHARS or char == ".":
            i -= 1
        elif char in ")]}":
            back = _defanged_dot_before(text, i)
            if not back:
                break
            i -= back
        else:
            break
    return i


def _defanged_dot_before(text: str, end: int) -> int:
    """Length of a defanged dot (`[.]`, `(dot)` …) ending at `end`, else 0."""
    for token in _DEFANGED_DOTS:
        if text.startswith(token, end - len(token)):
            return len(token)
    word = text[max(0, end - 5) : end].lower()
    return 5 if word in ("[dot]", "(dot)", "{dot}") else 0


def scheme_start(text: str, slashes: int) -> int:
    """Earliest offset where a scheme and separator ending at `slashes` may begin."""
    i = slashes
    floor = max(0, slashes - 16)
    while i > floor and text[i - 1] in _SCHEME_CHARS:
        i -= 1
    return i


def hex_start(text: str, colon: int) -> int:
    """Start of the run of hex digits and colons that ends at offset `colon`."""
    i = colon
    floor = max(0, colon - 48)
    while i > floor and (text[i - 1] in _HEX_DIGITS or text[i - 1] == ":"):
        i -= 1
    return i


def digits_start(text: str, colon: int) -> int:
    """Start of the run of decimal digits that ends at offset `colon`."""
    i = colon
    while i > max(0, colon - 10) and text[i - 1].isdigit():
        i -= 1
    return i


def local_start(text: str, at: int) -> int:
    """Where the local part of an e-mail address ending at `at` begins (== at: none)."""
    return _run_start(text, at, 64, _LOCAL_CHARS)


def name_start(text: str, ext: int) -> int:
    """Where a file name ending with the extension at offset `ext` begins."""
    return _run_start(text, ext, 200, _NAME_CHARS)


def _run_start(text: str, end: int, longest: int, chars: frozenset[str]) -> int:
    """Start of the run of alnum and `chars` ending at `end` (<= `longest`), less leading `._-`."""
    i = end
    floor = max(0, end - longest)
    while i > floor and (text[i - 1].isalnum() or text[i - 1] in chars):
        i -= 1
    while i < end and text[i] in "._-":
        i += 1
    return i


def token_type(token: str) -> ObservableType | None:
    """The observable type a long alphanumeric run may be, by shape (checksums come later)."""
    size = len(token)
    if size in _HEX_TYPES and P.HEX.fullmatch(token):
        return _HEX_TYPES[size]
    if size == 42 and token[:2] in ("0x", "0X") and P.HEX.fullmatch(token, 2):
        return T.ETH_WALLET
    if token[:3].lower() == "bc1":
        return T.BTC_WALLET
    if token[0] in "13" and size <= 35 and P.BASE58.fullmatch(token):
        return T.BTC_WALLET
    if token[0] in "48" and size in (95, 106) and P.BASE58.fullmatch(token):
        return T.XMR_WALLET
    return None


def says_ja3(text: str, start: int) -> bool:
    """True if "ja3" is written on the line before the digest (or on the line above)."""
    line = text.rfind("\n", 0, start) + 1
    before = text[line:start]
    if not before.strip() and line > 0:
        before = text[text.rfind("\n", 0, line - 1) + 1 : start]
    return "ja3" in before[-80:].lower()


def iban_end(raw: str) -> int:
    """Length of the IBAN at the start of `raw` for its country's registry length, else 0."""
    length = IBAN_LENGTHS.get(raw[:2])
    if length is None:
        return 0
    seen = 0
    for i, char in enumerate(raw):
        if char != " ":
            seen += 1
            if seen == length:
                end = i + 1
                return end if end == len(raw) or raw[end] == " " else 0
    return 0


def shorter(raw: str) -> Iterator[str]:
    """A phone candidate, then with trailing space-separated groups dropped."""
    while sum(c.isdigit() for c in raw) >= 8:
        yield raw
        cut = raw.rfind(" ")
        if cut <= 0:
            return
        raw = raw[:cut].rstrip(" -.(")


class _Offsets:
    """Character offsets of increasing byte offsets into the UTF-8 form of a text."""

    def __init__(self, data: bytes, ascii_only: bool) -> None:
        self.data = data
        self.ascii_only = ascii_only
        self.byte = 0
        self.char = 0

    def char_at(self, byte: int) -> int:
        """The character offset of `byte` (offsets must not decrease)."""
        if self.ascii_only:
            return byte
        self.char += len(self.data[self.byte : byte].decode("utf-8", "surrogatepass"))
        self.byte = byte
        return self.char


def encoded(text: str) -> tuple[bytes, bool]:
    """The text as bytes for the byte-wise scans, and whether it is pure ASCII."""
    ascii_only = text.isascii()
    return text.encode("ascii" if ascii_only else "utf-8", "surrogatepass"), ascii_only


def long_runs(data: bytes, ascii_only: bool) -> Iterator[int]:
    """Offsets where a run of 25+ ASCII letters and digits starts (candidates to match).

    The text is mapped byte-wise (letters and digits to `a`, the rest to a space) so that
    C-speed `bytes.find` does the scanning; only the rare hits cost Python time.
    """
    shape = data.translate(_ALNUM_TABLE)
    offsets = _Offsets(data, ascii_only)
    pos = shape.find(_RUN)
    while pos >= 0:
        yield offsets.char_at(pos)
        end = shape.find(b" ", pos)
        if end < 0:
            return
        pos = shape.find(_RUN, end)


def iban_starts(data: bytes, ascii_only: bool) -> Iterator[int]:
    """Offsets of two capital letters then two digits (where an IBAN may start)."""
    shape = data.translate(_IBAN_TABLE)
    offsets = _Offsets(data, ascii_only)
    pos = shape.find(b"AA00")
    while pos >= 0:
        yield offsets.char_at(pos)
        pos = shape.find(b"AA00", pos + 4)


def _table(mapping: dict[int, int], default: int) -> bytes:
    return bytes(mapping.get(i, default) for i in range(256))


_ALNUM_TABLE = _table({i: 97 for i in range(128) if chr(i).isalnum()}, 32)
_IBAN_TABLE = _table({**dict.fromkeys(range(65, 91), 65), **dict.fromkeys(range(48, 58), 48)}, 46)
_RUN = b"a" * 25
