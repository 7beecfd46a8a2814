"""The `text` codec: one document (plain text, HTML, e-mail, PDF) becomes one case.

The case's ref is `text:<sha256 of the bytes>`, so importing the same file again updates
the same case. Every observable found is a `mentioned` occurrence (e-mail structure gives
`sender`, `reply-to`, `relay` and `attachment`) whose comment is the sentence around its
first mention. A TLP marking written in the document (`TLP:RED`) tightens the handling;
the importer's defaults never widen it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from cyberfusion.domain.handling import TLP, parse_tlp
from cyberfusion.domain.imports import (
    Batch,
    ImportDefaults,
    ImportedCase,
    ImportIssue,
    Severity,
    handling_for,
    stricter,
)
from cyberfusion.domain.model import CaseDraft, CrimeType, Occurrence
from cyberfusion.domain.observables import normalise
from cyberfusion.errors import InvalidObservable
from cyberfusion.formats.base import Codec, register_codec
from cyberfusion.formats.text import patterns as P
from cyberfusion.formats.text.extract import Extracted
from cyberfusion.formats.text.sources import (
    _BLANKS,
    Extra,
    detect_kind,
    first_line,
    looks_like_email,
    looks_like_html,
)
from cyberfusion.formats.text.stream import (
    HtmlPieces,
    Raw,
    TextFault,
    Windows,
    decoded,
    email_parts,
    html_text,
    pdf_pages,
)

#: Largest document read (bytes); longer input is cut and a warning says so.
MAX_BYTES = 256 * 1024 * 1024
#: Most occurrences kept for one document (as for a case submitted as JSON).
MAX_OBSERVABLES = 100_000
SUMMARY_CHARS = 500
COMMENT_CHARS = 300
TITLE_CHARS = 300


def document_tlp(text: str) -> TLP | None:
    """The strictest TLP label written in the text (`TLP:AMBER`, `TLP RED` …), if any."""
    found: TLP | None = None
    for m in P.TLP_MARK.finditer(text):
        label = parse_tlp(m.group("label"))
        found = stricter(found, label) if found else label
    return found


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def occurrences(extras: Iterable[Extra], found: Iterable[Extracted]) -> list[Occurrence]:
    """One occurrence per key, first mention first: header extras, then the body."""
    kept: dict[str, Occurrence] = {}
    for extra in extras:
        try:
            obs = normalise(extra.type, extra.raw)
        except InvalidObservable:
            continue
        kept.setdefault(obs.key, Occurrence(obs.type.value, obs.value, obs.key, extra.role,
                                            _clip(extra.context, COMMENT_CHARS)))
    for hit in found:
        if hit.key not in kept:
            kept[hit.key] = Occurrence(hit.type.value, hit.value, hit.key, "mentioned",
                                       _clip(hit.context, COMMENT_CHARS))
    return list(kept.values())


@register_codec
class TextCodec(Codec):
    """Free text: plain text, HTML, e-mail (.eml) or PDF, one document per case."""

    name = "text"
    title = "Free text (plain text, HTML, e-mail, PDF)"
    extensions = (".txt", ".text", ".log", ".md", ".html", ".htm", ".xhtml", ".eml", ".pdf")
    media_types = ("text/plain", "text/html", "message/rfc822", "application/pdf")

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """By content (`%PDF-`, an HTML root, RFC 822 headers), else by extension.

        Free text is the fallback: a `.txt` whose content is JSON or a CSV with known
        column names is left to those codecs, whatever order the codecs registered in.
        """
        if head.startswith(b"%PDF-") or looks_like_html(head) or looks_like_email(head):
            return True
        if not filename.lower().endswith(cls.extensions):
            return False
        from cyberfusion.formats.csv_codec import CsvCodec

        return head.lstrip()[:1] not in (b"{", b"[") and not CsvCodec.sniff(head, "")

    def decode(
        self, stream: BinaryIO, source_name: str, defaults: ImportDefaults
    ) -> Iterator[Batch]:
        """Yield one batch holding the document's case (or only issues if unreadable); the
        document is read as a stream, in bounded memory."""
        raw = Raw(stream, MAX_BYTES)
        kind = detect_kind(raw.peek(8192), source_name)
        found = Windows(MAX_OBSERVABLES)
        try:
            read = _read(kind, raw, found)
        except TextFault as exc:
            fault = _issue(Severity.ERROR, f"{source_name}:byte {exc.offset}",
                           f"{exc}; the document is not landed")
            yield Batch(issues=[fault], bytes_read=raw.count, fault=fault)
            return
        found.close()
        issues: list[ImportIssue] = []
        if raw.cut:
            issues.append(_issue(Severity.WARNING, source_name,
                                 f"only the first {MAX_BYTES} bytes were read"))
        unreadable = kind == "pdf" and not found.seen_text
        severity = Severity.ERROR if unreadable else Severity.WARNING
        issues += [_issue(severity, source_name, p) for p in read.problems]
        if not found.kept and (not found.seen_text or not read.has_text):
            if not unreadable:
                issues.append(_issue(Severity.WARNING, source_name, _none_found(kind, read)))
            yield Batch(issues=issues, bytes_read=raw.count)
            return
        case = self._case(raw, kind, read, found, source_name, defaults, issues)
        yield Batch(cases=[case], issues=issues, bytes_read=raw.count)

    def _case(self, raw: Raw, kind: str, read: _Read, found: Windows, source_name: str,
              defaults: ImportDefaults, issues: list[ImportIssue]) -> ImportedCase:
        kept = list(found.kept.values())
        if found.more:
            issues.append(_issue(Severity.WARNING, source_name,
                                 f"more than {MAX_OBSERVABLES} observables found; the first "
                                 f"{MAX_OBSERVABLES} are kept"))
        issues.append(_issue(Severity.INFO, source_name,
                             f"{kind} document: {len(kept)} observables found") if kept
                      else _issue(Severity.WARNING, source_name, _none_found(kind, read)))
        title = _clip(read.title, TITLE_CHARS) or source_name or "untitled document"
        marks = [t for t in (document_tlp(title), found.tlp) if t is not None]
        tlp = stricter(*marks) if len(marks) == 2 else (marks[0] if marks else None)
        draft = CaseDraft(
            title=title, crime_type=CrimeType.OTHER, summary=_clip(found.head, SUMMARY_CHARS),
            handling=handling_for(defaults, tlp), occurrences=tuple(kept),
        )
        return ImportedCase(ref=f"text:{raw.digest.hexdigest()}", modified=None,
                            revoked=False, draft=draft)


@dataclass(frozen=True, slots=True)
class _Read:
    """What reading a document gave besides its observables."""

    title: str
    problems: list[str] = field(default_factory=list)
    #: whether it has text of its own, worth a case even without observables (an HTML page
    #: of bare links has none: its link targets are all it shows)
    has_text: bool = True
    #: an HTML page's links and visible characters, said when nothing is found
    links: int = 0
    chars: int = 0


def _none_found(kind: str, read: _Read) -> str:
    """The report's warning for a document in which no indicator was found, with why."""
    if kind == "html":
        return (f"no indicators found: the page has {read.chars} characters of visible text "
                f"and {read.links} link(s), and no link points to another host, address or "
                "e-mail (relative links and anchors name no indicator)"
                + ("; nothing was landed" if not read.has_text else ""))
    return (f"no indicators found in this {kind} document: nothing in its text has the "
            "form of an address, domain, URL, e-mail, hash, wallet, account or phone "
            "number (defanged forms included)")


def _read(kind: str, raw: Raw, found: Windows) -> _Read:
    """Feed the document's text to `found`; return its title and any problems."""
    if kind == "pdf":
        return _read_pdf(raw, found)
    if kind == "email":
        title, extras, bodies = email_parts(raw.chunks())
        found.extras(extras)
        for body in bodies:
            found.feed(body)
        return _Read(title)
    if kind == "html":
        return _read_html(raw, found)
    for piece in decoded(raw.chunks()):
        found.feed(piece)
    return _Read(first_line(found.head))


def _read_html(raw: Raw, found: Windows) -> _Read:
    """An HTML page's visible text (link targets after their text), counted as it goes."""
    html_title, parser = "", HtmlPieces()
    for piece in html_text(decoded(raw.chunks()), parser):
        if piece.startswith("\0"):
            html_title = piece[1:]
        else:
            found.feed(_BLANKS.sub("\n\n", piece))
    return _Read(html_title or first_line(found.head), has_text=parser.text_chars > 0,
                 links=parser.link_count, chars=parser.text_chars)


def _read_pdf(raw: Raw, found: Windows) -> _Read:
    """A PDF needs seeking: spooled to a temporary file (on disk past 8 MiB), then read
    page by page."""
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        for chunk in raw.chunks():
            spool.write(chunk)
        spool.seek(0)
        title, pages, problems = pdf_pages(spool)  # type: ignore[arg-type]
        for text in pages:
            found.feed(text)
    if not problems and not found.seen_text:
        problems = ["the PDF has no extractable text (scanned images?)"]
    return _Read(title or first_line(found.head), problems)


def _issue(severity: Severity, source_name: str, message: str) -> ImportIssue:
    return ImportIssue(severity, source_name or "document", message)


__all__ = ["TextCodec", "detect_kind", "document_tlp", "occurrences"]
