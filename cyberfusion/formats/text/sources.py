"""Documents to text: plain text, HTML, e-mail (.eml) and PDF, each with a title.

E-mail structure carries indicators of its own: sender and reply-to addresses, the relay
IPs of `Received` headers and attachment names; they come back as `Extra` observables
with a role, beside the body text that `extract()` reads.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.utils import getaddresses
from html.parser import HTMLParser

from cyberfusion.domain.observables import ObservableType
from cyberfusion.formats.text.extract import ExtractOptions, extract

T = ObservableType


@dataclass(frozen=True, slots=True)
class Extra:
    """An observable read from document structure (header, attachment), not from prose."""

    type: ObservableType
    raw: str
    role: str
    context: str


@dataclass
class Document:
    """A document reduced to text: its kind, title, body text, extras and problems."""

    kind: str
    title: str
    text: str
    extras: list[Extra] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# --- plain text ---------------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode_text(data: bytes) -> str:
    """Text from bytes: a BOM's encoding, else UTF-8, else Windows-1252, else Latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def first_line(text: str, limit: int = 200) -> str:
    """The first non-blank line, whitespace collapsed, cut at `limit` characters."""
    for line in text.splitlines():
        words = " ".join(line.split())
        if words:
            return words[:limit]
    return ""


# --- HTML ------------------------------------------------------------------------------------

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg"})
_BLOCK = frozenset({
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "pre", "blockquote", "hr", "dd", "dt", "title",
    "main", "nav", "aside", "form", "figure", "figcaption",
})  # fmt: skip
_CELL = frozenset({"td", "th"})


class _HtmlText(HTMLParser):
    """Collects visible text (and link targets) and the `<title>` of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.skipping = 0
        self.in_title = False
        self.links: list[tuple[str | None, int]] = []
        #: links met and visible characters other than blanks (said when nothing is found)
        self.link_count = 0
        self.text_chars = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note titles, skipped blocks, line breaks, cells and links."""
        if tag == "title":
            self.in_title = True
        elif tag in _SKIP:
            self.skipping += 1
        if tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append("\t")
        if tag == "a":
            self.link_count += 1
            self.links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        """Close what `handle_starttag` opened; keep a link target."""
        if tag == "title":
            self.in_title = False
        elif tag in _SKIP and self.skipping:
            self.skipping -= 1
        elif tag == "a" and self.links:
            self._link_target(*self.links.pop())
        if tag in _BLOCK:
            self.parts.append("\n")

    def _link_target(self, href: str | None, first: int) -> None:
        """Keep the target of a link after its text, unless the text already shows it."""
        if not href or href.startswith(("#", "javascript:")):
            return
        target = (href[7:] if href.lower().startswith("mailto:") else href).strip()
        if target and target not in "".join(self.parts[first:]):
            self.parts.append(f" ({target}) ")

    def handle_data(self, data: str) -> None:
        """Keep visible text (and the title)."""
        if self.in_title:
            self.title_parts.append(data)
        elif not self.skipping:
            self.parts.append(data)
            self.text_chars += len(data) - sum(map(str.isspace, data))


_BLANKS = re.compile(r"[ \t]*\n[ \t\n]*\n")


def html_to_text(html: str) -> tuple[str, str]:
    """(title, visible text) of an HTML document; scripts and styles dropped, hrefs kept."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    text = _BLANKS.sub("\n\n", "".join(parser.parts)).strip()
    return " ".join("".join(parser.title_parts).split()), text


# --- e-mail -------------------------------------------------------------------------------------

_SENDERS = (("From", "sender"), ("Sender", "sender"), ("Reply-To", "reply-to"),
            ("Return-Path", "sender"))
_RELAYS = ("Received", "X-Originating-IP", "X-Sender-IP")
_IPS = ExtractOptions(types=frozenset({T.IPV4, T.IPV6}))


def email_to_document(data: bytes) -> Document:
    """An RFC 822 message: subject as title, body parts as text, header indicators as extras."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    title = " ".join(str(message.get("Subject", "")).split())
    extras = email_extras(message)
    bodies: list[str] = []
    has_plain = any(p.get_content_type() == "text/plain" and not p.is_attachment()
                    for p in message.walk())
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        if name:
            extras.append(Extra(T.FILE_NAME, name, "attachment", f"attachment: {name}"))
        kind = part.get_content_type()
        if kind == "text/html" and has_plain and not part.is_attachment():
            continue
        if kind in ("text/plain", "text/html"):
            body = _part_text(part)
            bodies.append(html_to_text(body)[1] if kind == "text/html" else body)
    return Document("email", title, "\n\n".join(bodies), extras)


def email_extras(message: Message) -> list[Extra]:
    extras: list[Extra] = []
    for header, role in _SENDERS:
        for value in message.get_all(header, []):
            for _, address in getaddresses([str(value)]):
                if "@" in address:
                    extras.append(Extra(T.EMAIL, address, role, f"{header}: {value}"))
    for header in _RELAYS:
        for value in message.get_all(header, []):
            context = " ".join(f"{header}: {value}".split())
            for found in extract(str(value), _IPS):
                extras.append(Extra(found.type, found.value, "relay", context[:300]))
    return extras


def _part_text(part: Message) -> str:
    """Decoded text of a MIME part, tolerant of unknown or wrong charsets."""
    try:
        if isinstance(part, EmailMessage):
            content = part.get_content()
            if isinstance(content, str):
                return content
    except (LookupError, UnicodeError, KeyError):
        pass
    payload = part.get_payload(decode=True)
    return decode_text(payload) if isinstance(payload, bytes) else str(payload or "")


# --- PDF -------------------------------------------------------------------------------------


def pdf_to_document(data: bytes) -> Document:
    """Text of every page (pypdf) and the title from the metadata or the first line."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = reader.metadata.title if reader.metadata else None
    except Exception as exc:  # pypdf raises many kinds; the file is reported, not fatal
        return Document("pdf", "", "", problems=[f"cannot read the PDF: {exc}"])
    text = "\n\n".join(pages)
    problems = [] if text.strip() else ["the PDF has no extractable text (scanned images?)"]
    title = " ".join(str(meta_title or "").split()) or first_line(text)
    return Document("pdf", title, text, problems=problems)


# --- detection ----------------------------------------------------------------------------------

_HEADER_LINE = re.compile(rb"^([A-Za-z][A-Za-z0-9-]{1,40}):[ \t]", re.MULTILINE)
_MAIL_HEADERS = frozenset({
    b"from", b"to", b"subject", b"date", b"received", b"message-id", b"mime-version",
    b"return-path", b"delivered-to", b"reply-to", b"content-type", b"x-mailer", b"cc",
})  # fmt: skip
_EXTENSIONS = {".pdf": "pdf", ".eml": "email", ".html": "html", ".htm": "html",
               ".xhtml": "html"}


def looks_like_email(head: bytes) -> bool:
    """True if the head starts with RFC 822 header lines, two or more of them well known."""
    block = head.lstrip()[:4096].split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    if not _HEADER_LINE.match(block):
        return False
    names = {m.group(1).lower() for m in _HEADER_LINE.finditer(block)}
    return len(names & _MAIL_HEADERS) >= 2


def looks_like_html(head: bytes) -> bool:
    """True if the head opens an HTML document."""
    start = head.lstrip()[:1024].lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:256]


def detect_kind(head: bytes, filename: str) -> str:
    """`pdf`, `email`, `html` or `text`, by content first and then by file extension."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if looks_like_email(head):
        return "email"
    if looks_like_html(head):
        return "html"
    suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return _EXTENSIONS.get(suffix, "text")


def read_document(data: bytes, filename: str) -> Document:
    """The document in `data` (kind by content, then by name) as text and extras."""
    kind = detect_kind(data[:8192], filename)
    if kind == "pdf":
        return pdf_to_document(data)
    if kind == "email":
        return email_to_document(data)
    text = decode_text(data)
    if kind == "html":
        title, body = html_to_text(text)
        return Document("html", title or first_line(body), body)
    return Document("text", first_line(text), text)
