"""Documents read as a stream: text is decoded, converted and searched one window at a time.

Memory stays bounded whatever the document's size: bytes are decoded incrementally, HTML
is parsed incrementally, and `Windows` runs `extract()` over windows of `WINDOW`
characters with `MARGIN` characters of the text on either side (a value is counted in the
window where it starts, and seen whole thanks to the margins). Only the first mention of
each value is kept (with its sentence), up to a cap. A byte sequence that is not valid in
the encoding chosen from the document's start is a fault: reading stops there and says
at which byte.
"""

from __future__ import annotations

import binascii
import codecs
import email.parser
import email.policy
import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import BinaryIO, cast

from cyberfusion.domain.handling import TLP, parse_tlp
from cyberfusion.domain.imports import stricter
from cyberfusion.domain.model import Occurrence
from cyberfusion.domain.observables import ObservableType, normalise
from cyberfusion.errors import InvalidObservable
from cyberfusion.formats.text import patterns as P
from cyberfusion.formats.text.extract import extract
from cyberfusion.formats.text.sources import (
    Extra,
    _HtmlText,
    _part_text,
    email_extras,
    first_line,
)

#: Characters searched per window, and the text kept on either side of it.
WINDOW = 1 << 20
MARGIN = 4096
CHUNK = 1 << 20
COMMENT_CHARS = 300
SUMMARY_SOURCE = 4000


def clip(text: str, limit: int) -> str:
    """Whitespace collapsed, cut at `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class Windows:
    """Observables of a text fed piece by piece: first mention first, at most `cap` kept."""

    cap: int
    kept: dict[str, Occurrence] = field(default_factory=dict)
    more: int = 0
    seen_text: bool = False
    tlp: TLP | None = None
    head: str = ""
    _buffer: str = ""
    _base: int = 0
    _own: int = 0

    def extras(self, items: Iterable[Extra]) -> None:
        """Observables read from document structure (sender, relay, attachment)."""
        for extra in items:
            try:
                obs = normalise(extra.type, extra.raw)
            except InvalidObservable:
                continue
            self._keep(Occurrence(obs.type.value, obs.value, obs.key, extra.role,
                                  clip(extra.context, COMMENT_CHARS)))

    def feed(self, text: str) -> None:
        """Add text (a long one in window-sized pieces); search every complete window."""
        for start in range(0, len(text), WINDOW):
            self._feed(text[start:start + WINDOW])

    def _feed(self, text: str) -> None:
        if len(self.head) < SUMMARY_SOURCE:
            self.head += text[: SUMMARY_SOURCE - len(self.head)]
        self.seen_text = self.seen_text or (not text.isspace() and bool(text))
        self._buffer += text
        while len(self._buffer) - (self._own - self._base) >= WINDOW + MARGIN:
            self._search(self._own + WINDOW)

    def close(self) -> None:
        """Search what is left."""
        end = self._base + len(self._buffer)
        if end > self._own:
            self._search(end)

    def _search(self, until: int) -> None:
        """Extract over the buffer; keep values starting in [own, until); slide on."""
        window = self._buffer[: until - self._base + MARGIN]
        for mark in P.TLP_MARK.finditer(window, self._own - self._base,
                                        until - self._base + MARGIN):
            if mark.start() < until - self._base:
                label = parse_tlp(mark.group("label"))
                self.tlp = stricter(self.tlp, label) if self.tlp else label
        for hit in extract(window):
            start = self._base + hit.start
            if self._own <= start < until and hit.key not in self.kept:
                self._keep(Occurrence(hit.type.value, hit.value, hit.key, "mentioned",
                                      clip(hit.context, COMMENT_CHARS)))
        self._own = until
        drop = max(0, until - MARGIN - self._base)
        self._buffer, self._base = self._buffer[drop:], self._base + drop

    def _keep(self, occurrence: Occurrence) -> None:
        if occurrence.key in self.kept:
            return
        if len(self.kept) >= self.cap:
            self.more += 1
            return
        self.kept[occurrence.key] = occurrence


class Raw:
    """The document's bytes as read: counted, hashed (the case ref) and cut at `limit`."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self._stream = stream
        self.limit = limit
        self.count = 0
        self.digest = hashlib.sha256()
        self.cut = False
        self._pending = b""

    def peek(self, size: int) -> bytes:
        """The first `size` bytes, read again by the next `chunks()`."""
        while len(self._pending) < size:
            data = self._stream.read(size - len(self._pending))
            if not data:
                break
            self._pending += data
        return self._pending[:size]

    def chunks(self) -> Iterator[bytes]:
        """The bytes in chunks, up to the limit."""
        while True:
            data, self._pending = (self._pending, b"") if self._pending else (
                self._stream.read(CHUNK), b"")
            if not data:
                return
            if self.count + len(data) > self.limit:
                data, self.cut = data[: self.limit - self.count], True
            self.count += len(data)
            self.digest.update(data)
            if data:
                yield data
            if self.cut:
                return


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


class TextFault(Exception):
    """Bytes that are not valid in the document's encoding: where, and why."""

    def __init__(self, offset: int, encoding: str) -> None:
        super().__init__(f"bytes not valid {encoding} at byte {offset}; reading stopped here")
        self.offset = offset


def decoded(chunks: Iterable[bytes]) -> Iterator[str]:
    """Text from byte chunks: a BOM's encoding, else UTF-8 if the first chunk is, else
    Windows-1252 (Latin-1 for its five undefined bytes). TextFault on later bad UTF-8."""
    decoder: codecs.IncrementalDecoder | None = None
    encoding = ""
    done = 0
    for chunk in chunks:
        if decoder is None:
            encoding = _encoding(chunk)
            decoder = codecs.getincrementaldecoder(encoding)(
                "replace" if encoding.startswith("utf-16") else "strict")
        try:
            yield decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise TextFault(done + exc.start, encoding) from exc
        done += len(chunk)
    if decoder is not None:
        try:
            yield decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise TextFault(done + exc.start, encoding) from exc


def _encoding(first: bytes) -> str:
    for bom, encoding in _BOMS:
        if first.startswith(bom):
            return encoding
    try:
        codecs.getincrementaldecoder("utf-8")().decode(first)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        first.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


class HtmlPieces(_HtmlText):
    """Visible text of HTML fed piece by piece, handed out as it is complete."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def take(self) -> str:
        """The text gathered since the last call (kept while a link is open: its target
        is written after its text unless the text shows it)."""
        keep_from = min((first for _, first in self.links), default=None)
        upto = len(self.parts) if keep_from is None else max(0, keep_from - self.dropped)
        text = "".join(self.parts[:upto])
        del self.parts[:upto]
        self.dropped += upto
        return text

    def _link_target(self, href: str | None, first: int) -> None:
        super()._link_target(href, max(0, first - self.dropped))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """As the whole-document parser, with link positions counted from the start."""
        super().handle_starttag(tag, attrs)
        if tag == "a" and self.links:
            href, first = self.links[-1]
            self.links[-1] = (href, first + self.dropped)


def html_text(pieces: Iterable[str], parser: HtmlPieces | None = None) -> Iterator[str]:
    """Visible text of an HTML document given in pieces; then its title as the last item
    prefixed with NUL (the title may close after much of the body). A caller that passes
    `parser` reads its counts (links, visible characters) afterwards."""
    parser = parser or HtmlPieces()
    for piece in pieces:
        parser.feed(piece)
        yield parser.take()
    parser.close()
    yield parser.take()
    yield "\0" + " ".join("".join(parser.title_parts).split())


_HEADER_END = re.compile(rb"\r?\n\r?\n")
_HEADER_MAX = 1 << 20
_PLAIN_CTE = ("7bit", "8bit", "binary")


def email_parts(chunks: Iterable[bytes]) -> tuple[str, list[Extra], Iterator[str]]:
    """Subject, header extras and the body texts of a message given in chunks. A single
    text part (the long ones) is streamed through its transfer encoding and charset; a
    multipart message is parsed whole."""
    rest = iter(chunks)
    head, found = b"", None
    while found is None and len(head) < _HEADER_MAX:
        chunk = next(rest, b"")
        if not chunk:
            break
        head += chunk
        found = _HEADER_END.search(head)
    if found is None:
        return _whole_email(itertools.chain([head], rest))
    message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
        head[: found.end()], headersonly=True)
    cte = str(message.get("Content-Transfer-Encoding", "7bit")).strip().lower()
    kind = message.get_content_type()
    if kind not in ("text/plain", "text/html") or cte not in (*_PLAIN_CTE, "base64",
                                                              "quoted-printable"):
        return _whole_email(itertools.chain([head], rest))
    body = itertools.chain([head[found.end():]], rest)
    text = _charset_decoded(_transfer_decoded(body, cte), message.get_content_charset())
    if kind == "text/html":
        text = (piece for piece in html_text(text) if not piece.startswith("\0"))
    title = " ".join(str(message.get("Subject", "")).split())
    return title, email_extras(message), text


def _transfer_decoded(chunks: Iterable[bytes], cte: str) -> Iterator[bytes]:
    """Body bytes through their transfer encoding, chunk by chunk."""
    if cte in _PLAIN_CTE:
        yield from chunks
        return
    carry = b""
    for chunk in chunks:
        if cte == "base64":
            data = carry + chunk.translate(None, b" \t\r\n")
            whole = len(data) // 4 * 4
            carry, data = data[whole:], data[:whole]
            yield _base64(data)
        else:
            data = carry + chunk
            cut = data.rfind(b"\n") + 1
            carry, data = data[cut:], data[:cut]
            yield binascii.a2b_qp(data)
    if carry:
        yield _base64(carry) if cte == "base64" else binascii.a2b_qp(carry)


def _base64(data: bytes) -> bytes:
    try:
        return binascii.a2b_base64(data)
    except binascii.Error:
        return b""


def _charset_decoded(chunks: Iterable[bytes], charset: str | None) -> Iterator[str]:
    """Text of a MIME body in its declared charset (UTF-8 if unknown), bad bytes replaced."""
    try:
        decoder = codecs.getincrementaldecoder(charset or "utf-8")("replace")
    except LookupError:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
    for chunk in chunks:
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def _whole_email(chunks: Iterable[bytes]) -> tuple[str, list[Extra], Iterator[str]]:
    """A multipart message, parsed whole: subject, header and attachment extras, bodies."""
    from cyberfusion.formats.text.sources import html_to_text

    feeder = email.parser.BytesFeedParser(policy=email.policy.default)
    for chunk in chunks:
        feeder.feed(chunk)
    message = cast(EmailMessage, feeder.close())
    title = " ".join(str(message.get("Subject", "")).split())
    extras = email_extras(message)
    for part in message.walk():
        name = None if part.is_multipart() else part.get_filename()
        if name:
            extras.append(Extra(ObservableType.FILE_NAME, name, "attachment",
                                f"attachment: {name}"))
    has_plain = any(p.get_content_type() == "text/plain" and not p.is_attachment()
                    for p in message.walk())

    def bodies() -> Iterator[str]:
        for part in message.walk():
            kind = part.get_content_type()
            if part.is_multipart() or kind not in ("text/plain", "text/html"):
                continue
            if kind == "text/html" and (has_plain or part.is_attachment()):
                continue
            body = _part_text(part)
            yield (html_to_text(body)[1] if kind == "text/html" else body) + "\n\n"

    return title, extras, bodies()


def pdf_pages(stream: BinaryIO) -> tuple[str, Iterator[str], list[str]]:
    """Title and the text of each page, read one page at a time (pypdf)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(stream)
        if reader.is_encrypted:
            reader.decrypt("")
        count = len(reader.pages)
        meta_title = reader.metadata.title if reader.metadata else None
    except Exception as exc:  # pypdf raises many kinds; the file is reported, not fatal
        return "", iter(()), [f"cannot read the PDF: {exc}"]
    title = " ".join(str(meta_title or "").split())

    def pages() -> Iterator[str]:
        for number in range(count):
            page = reader.pages[number]
            yield (page.extract_text() or "") + "\n\n"
            if number % 50 == 49:
                _forget(reader)

    return title, pages(), []


def _forget(reader: object) -> None:
    """Drop pypdf's cache of parsed objects (each page is read once; what a later page
    shares, such as a font, is parsed again when needed)."""
    cache = getattr(reader, "resolved_objects", None)
    if isinstance(cache, dict):
        cache.clear()


def title_of(head: str) -> str:
    """The first non-blank line of the text's start."""
    return first_line(head)
