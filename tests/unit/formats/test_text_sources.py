"""Documents to text (plain, HTML, e-mail, PDF) and the `text` codec that makes one case."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.imports import Batch, ImportDefaults, Severity
from cyberfusion.domain.observables import ObservableType
from cyberfusion.formats import base
from cyberfusion.formats.text.codec import TextCodec, document_tlp
from cyberfusion.formats.text.sources import (
    decode_text,
    detect_kind,
    email_to_document,
    html_to_text,
    pdf_to_document,
    read_document,
)

T = ObservableType
DEFAULTS = ImportDefaults(importer_org_id="unit-fr", review_by=date(2031, 1, 1))


def tiny_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A one-page PDF written by hand: Helvetica text, one line per entry."""
    ops = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    content = f"BT /F1 12 Tf 72 720 Td {ops} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    if title:
        objects.append(b"<< /Title (" + title.encode() + b") >>")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info = b" /Info %d 0 R" % len(objects) if title else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, info)
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


EML = b"""Return-Path: <bounce@mailer.example.net>
Received: from relay.example.org (relay.example.org [198.51.100.20])
\tby mx.victim.example with ESMTPS id 42; Mon, 3 Jun 2024 10:00:00 +0000
Received: from [203.0.113.99] (helo=desk) by relay.example.org; Mon, 3 Jun 2024 09:59:58 +0000
From: "Accounts Team" <accounts@invoice-portal.example>
Reply-To: payments@collector.example
To: clerk@victim.example
Subject: Overdue invoice 4471 [TLP:AMBER]
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: multipart/alternative; boundary="b2"

--b2
Content-Type: text/plain; charset="utf-8"

Please settle today at hxxps://invoice-portal[.]example/pay?ref=4471.
Wire the funds to the account given below.
--b2
Content-Type: text/html; charset="utf-8"

<html><body><p>Please settle today.</p></body></html>
--b2--
--b1
Content-Type: application/vnd.ms-excel; name="invoice_4471.xlsm"
Content-Disposition: attachment; filename="invoice_4471.xlsm"
Content-Transfer-Encoding: base64

UEsDBBQAAAAIAA==
--b1--
"""


def decode_one(data: bytes, name: str) -> Batch:
    (batch,) = list(TextCodec().decode(io.BytesIO(data), name, DEFAULTS))
    return batch


# --- plain text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("café 10.0.0.1".encode(), "café 10.0.0.1"),
        (b"\xef\xbb\xbfcaf\xc3\xa9", "café"),
        ("café".encode("utf-16"), "café"),
        ("café \u2013 1".encode("cp1252"), "café \u2013 1"),
        (b"caf\xe9 \x81", "café \x81"),
    ],
)
def test_decode_text_with_fallbacks(data: bytes, text: str) -> None:
    assert decode_text(data) == text


def test_plain_text_title_is_the_first_line() -> None:
    doc = read_document(b"\n\n  Weekly   bulletin \nbody 192.0.2.8\n", "notes.txt")
    assert (doc.kind, doc.title) == ("text", "Weekly bulletin")


# --- HTML ------------------------------------------------------------------------------------


def test_html_keeps_visible_text_and_link_targets() -> None:
    html = (
        "<html><head><title>Threat  note</title><style>p{color:red}</style>"
        "<script>var c2='10.9.9.9';</script></head><body><h1>Campaign</h1>"
        "<p>Payload at <a href='http://cdn.bad.example/p.bin'>this link</a>.</p>"
        "<p>Mail <a href='mailto:ops@bad.example'>them</a> or "
        "<a href='https://shown.example/'>https://shown.example/</a>.</p>"
        "<table><tr><td>10.1.1.1</td><td>10.2.2.2</td></tr></table></body></html>"
    )
    title, text = html_to_text(html)
    assert title == "Threat note"
    assert "10.9.9.9" not in text and "color" not in text
    assert "this link (http://cdn.bad.example/p.bin)" in text
    assert "them (ops@bad.example)" in text
    assert text.count("https://shown.example/") == 1
    assert "10.1.1.1\t10.2.2.2" in text
    assert text.startswith("Campaign\n")


def test_html_document_through_the_codec() -> None:
    batch = decode_one(b"<!DOCTYPE html><html><body><p>C2 c2.bad.example</p></body></html>",
                       "page.bin")
    (case,) = batch.cases
    assert case.draft.title == "C2 c2.bad.example"
    assert [(o.type, o.value) for o in case.draft.occurrences] == [("domain", "c2.bad.example")]


# --- e-mail ----------------------------------------------------------------------------------


def test_email_headers_body_and_attachments() -> None:
    doc = email_to_document(EML)
    assert doc.title == "Overdue invoice 4471 [TLP:AMBER]"
    extras = {(e.type, e.raw, e.role) for e in doc.extras}
    assert {
        (T.EMAIL, "accounts@invoice-portal.example", "sender"),
        (T.EMAIL, "payments@collector.example", "reply-to"),
        (T.EMAIL, "bounce@mailer.example.net", "sender"),
        (T.IPV4, "198.51.100.20", "relay"),
        (T.IPV4, "203.0.113.99", "relay"),
        (T.FILE_NAME, "invoice_4471.xlsm", "attachment"),
    } <= extras
    assert "hxxps://invoice-portal[.]example/pay?ref=4471" in doc.text
    assert "<p>" not in doc.text and "Wire the funds" in doc.text
    assert doc.text.count("Please settle today") == 1  # plain part preferred to its HTML twin


def test_html_only_email_body_is_converted() -> None:
    message = (b"From: a@sender.example\nTo: b@victim.example\nSubject: hi\n"
               b"Content-Type: text/html\n\n<html><body><b>Visit</b> evil.example/x</body></html>")
    doc = email_to_document(message)
    assert doc.text == "Visit evil.example/x"


def test_email_codec_case() -> None:
    batch = decode_one(EML, "mail.eml")
    (case,) = batch.cases
    draft = case.draft
    assert case.ref == f"text:{hashlib.sha256(EML).hexdigest()}"
    assert draft.title == "Overdue invoice 4471 [TLP:AMBER]"
    assert draft.summary.startswith("Please settle today at hxxps://invoice-portal[.]example")
    assert draft.handling.tlp is TLP.AMBER
    roles = {(o.type, o.value): o.role for o in draft.occurrences}
    assert roles[("email", "accounts@invoice-portal.example")] == "sender"
    assert roles[("ipv4", "198.51.100.20")] == "relay"
    assert roles[("file_name", "invoice_4471.xlsm")] == "attachment"
    assert roles[("url", "https://invoice-portal.example/pay?ref=4471")] == "mentioned"
    url = next(o for o in draft.occurrences if o.type == "url")
    assert url.comment == "Please settle today at hxxps://invoice-portal[.]example/pay?ref=4471."
    assert all(len(o.comment) <= 300 for o in draft.occurrences)
    assert len({o.key for o in draft.occurrences}) == len(draft.occurrences)


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_text_and_title() -> None:
    data = tiny_pdf(["Beacon to 203.0.113.77 and evil-host.example.com", "Second line"],
                    title="Incident 7")
    doc = pdf_to_document(data)
    assert doc.title == "Incident 7"
    assert "203.0.113.77" in doc.text and "evil-host.example.com" in doc.text
    (case,) = decode_one(data, "report.pdf").cases
    assert {(o.type, o.value) for o in case.draft.occurrences} >= {
        ("ipv4", "203.0.113.77"), ("domain", "evil-host.example.com")}


def test_pdf_without_metadata_takes_the_first_line_as_title() -> None:
    assert pdf_to_document(tiny_pdf(["Weekly notes", "nothing"])).title == "Weekly notes"


def test_broken_pdf_is_an_error_without_a_case() -> None:
    batch = decode_one(b"%PDF-1.4\n this is not a pdf at all", "broken.pdf")
    assert batch.cases == []
    assert [i.severity for i in batch.issues] == [Severity.ERROR]
    assert batch.issues[0].location == "broken.pdf"
    assert "cannot read the PDF" in batch.issues[0].message


# --- detection, registry, case details --------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"%PDF-1.7\n", "x.bin", "pdf"),
        (b"Received: from a\nFrom: b@c.example\nSubject: x\n\nbody", "x", "email"),
        (b"  <!doctype html><html>", "x", "html"),
        (b"plain words", "page.htm", "html"),
        (b"plain words", "mail.eml", "email"),
        (b"Note: one header only\n\nbody", "notes.txt", "text"),
    ],
)
def test_detect_kind(head: bytes, name: str, kind: str) -> None:
    assert detect_kind(head, name) == kind


def test_codec_is_registered_and_sniffs() -> None:
    base.load_builtins()
    assert base.CODECS["text"] is TextCodec
    assert TextCodec.sniff(b"anything", "report.TXT")
    assert TextCodec.sniff(EML[:2000], "upload")
    assert TextCodec.sniff(b"%PDF-1.5", "upload")
    assert not TextCodec.sniff(b'{"type": "bundle"}', "upload")
    assert not TextCodec.sniff(b"ip,domain\n1.2.3.4,a.example\n", "feed.csv")
    assert not TextCodec.sniff(b"ip,domain\n1.2.3.4,a.example\n", "feed.txt")
    assert not TextCodec.sniff(b' {"type": "bundle"}', "bundle.txt")
    assert base.sniff(EML[:2000], "mail.eml") is TextCodec


def test_tlp_in_the_document_is_its_own() -> None:
    assert document_tlp("Shared as TLP:GREEN, parts TLP:RED") is TLP.RED
    assert document_tlp("no marking") is None
    (clear,) = decode_one(b"TLP:CLEAR note about 192.0.2.1", "a.txt").cases
    assert clear.draft.handling.tlp is TLP.CLEAR  # the default is for unmarked documents
    (red,) = decode_one(b"TLP:RED note about 192.0.2.1", "b.txt").cases
    assert red.draft.handling.tlp is TLP.RED


def test_document_without_observables_warns() -> None:
    batch = decode_one(b"Nothing to see here.\n", "empty.txt")
    (case,) = batch.cases
    assert case.draft.occurrences == ()
    assert batch.issues[-1].severity is Severity.WARNING
    assert batch.issues[-1].message.startswith("no indicators found in this text document")


def test_html_page_of_bare_links_lands_nothing_and_says_why() -> None:
    links = "".join(f'<a href="/page{i}"></a><a href="#s{i}"><img src="i.png"></a>'
                    for i in range(100))
    batch = decode_one(f"<html><body>{links}</body></html>".encode(), "links.html")
    assert batch.cases == [] and batch.fault is None
    (issue,) = batch.issues
    assert issue.severity is Severity.WARNING and issue.location == "links.html"
    assert issue.message.startswith("no indicators found")
    assert "0 characters of visible text and 200 link(s)" in issue.message
    assert "relative links" in issue.message and "nothing was landed" in issue.message


def test_html_page_with_text_but_no_indicators_keeps_its_case_and_says_why() -> None:
    batch = decode_one(b"<html><body><p>Quarterly <a href='/more'>overview</a> of fraud "
                       b"trends.</p></body></html>", "trends.html")
    (case,) = batch.cases
    assert case.draft.occurrences == ()
    assert "no indicators found: the page has" in batch.issues[-1].message
    assert "1 link(s)" in batch.issues[-1].message


def test_long_summary_and_title_are_clipped() -> None:
    text = ("x" * 400 + "\n" + "word " * 400).encode()
    (case,) = decode_one(text, "long.txt").cases
    assert len(case.draft.title) <= 300 and len(case.draft.summary) <= 500
    assert case.draft.summary.endswith("…")
