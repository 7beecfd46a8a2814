"""The `text` codec: one document (plain text, HTML, e-mail, PDF) becomes one case.

The case's ref is `text:<sha256 of the bytes>`, so importing the same file again updates
the same case. Every observable found is a `mentioned` occurrence (e-mail structure gives
`sender`, `reply-to`, `relay` and `attachment`) whose comment is the sentence around its
first mention. A TLP marking written in the document (`TLP:RED`) tightens the handling;
the importer's defaults never widen it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
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
from cyberfusion.formats.text.extract import Extracted, extract
from cyberfusion.formats.text.sources import (
    Document,
    Extra,
    detect_kind,
    looks_like_email,
    looks_like_html,
    read_document,
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
        """Yield one batch holding the document's case (or only issues if unreadable)."""
        data = stream.read(MAX_BYTES + 1)
        issues: list[ImportIssue] = []
        if len(data) > MAX_BYTES:
            data = data[:MAX_BYTES]
            issues.append(_issue(Severity.WARNING, source_name,
                                 f"only the first {MAX_BYTES} bytes were read"))
        document = read_document(data, source_name)
        unreadable = document.kind == "pdf" and not document.text
        severity = Severity.ERROR if unreadable else Severity.WARNING
        issues += [_issue(severity, source_name, p) for p in document.problems]
        if not document.text and not document.extras:
            yield Batch(issues=issues, bytes_read=len(data))
            return
        case = self._case(data, document, source_name, defaults, issues)
        yield Batch(cases=[case], issues=issues, bytes_read=len(data))

    def _case(self, data: bytes, document: Document, source_name: str,
              defaults: ImportDefaults, issues: list[ImportIssue]) -> ImportedCase:
        found = extract(document.text)
        kept = occurrences(document.extras, found)
        if len(kept) > MAX_OBSERVABLES:
            issues.append(_issue(Severity.WARNING, source_name,
                                 f"{len(kept)} observables found; the first "
                                 f"{MAX_OBSERVABLES} are kept"))
            kept = kept[:MAX_OBSERVABLES]
        severity = Severity.INFO if kept else Severity.WARNING
        issues.append(_issue(severity, source_name,
                             f"{document.kind} document: {len(kept)} observables found"))
        title = _clip(document.title, TITLE_CHARS) or source_name or "untitled document"
        draft = CaseDraft(
            title=title, crime_type=CrimeType.OTHER,
            summary=_clip(document.text[: SUMMARY_CHARS * 8], SUMMARY_CHARS),
            handling=handling_for(defaults, document_tlp(f"{document.title}\n{document.text}")),
            occurrences=tuple(kept),
        )
        ref = f"text:{hashlib.sha256(data).hexdigest()}"
        return ImportedCase(ref=ref, modified=None, revoked=False, draft=draft)


def _issue(severity: Severity, source_name: str, message: str) -> ImportIssue:
    return ImportIssue(severity, source_name or "document", message)


__all__ = ["TextCodec", "detect_kind", "document_tlp", "occurrences"]
