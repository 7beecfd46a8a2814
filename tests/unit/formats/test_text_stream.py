"""Documents read as a stream: windowed extraction finds what a whole-text pass finds,
exactly once; bad bytes stop the reading at a located byte; e-mail bodies stream through
their transfer encoding."""

from __future__ import annotations

import base64
import io
import quopri
from datetime import date

import pytest

from cyberfusion.domain.imports import ImportDefaults, Severity
from cyberfusion.formats.text import stream
from cyberfusion.formats.text.codec import TextCodec
from cyberfusion.formats.text.extract import extract
from cyberfusion.formats.text.sources import html_to_text

DEFAULTS = ImportDefaults(importer_org_id="unit-fr", review_by=date(2031, 1, 1))


def _text(lines: int) -> str:
    return "".join(f"Beacon {n} went to 198.51.{n % 256}.{n % 200 + 1} and "
                   f"https://c{n}.bad-{n % 7}.example/p?q={n} then evil{n}.example.org. "
                   + ("TLP:RED\n" if n == lines - 3 else "\n") for n in range(lines))


def test_windows_find_every_value_once_in_first_mention_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "WINDOW", 700)
    monkeypatch.setattr(stream, "MARGIN", 200)
    text = _text(300)
    found = stream.Windows(cap=100_000)
    for start in range(0, len(text), 333):  # pieces that cut values in two
        found.feed(text[start:start + 333])
    found.close()
    whole = list(dict.fromkeys(h.key for h in extract(text)))
    assert list(found.kept) == whole
    assert found.tlp is not None and found.tlp.value == "red"


def test_windows_keep_at_most_the_cap_and_count_the_rest() -> None:
    found = stream.Windows(cap=10)
    found.feed(_text(20))
    found.close()
    assert len(found.kept) == 10 and found.more > 0


def test_invalid_utf8_after_a_valid_start_stops_at_its_byte() -> None:
    data = ("ok 198.51.100.1\n" * 100_000).encode() + b"\xff\xfe bad" + b" 10.0.0.1\n"
    (batch,) = TextCodec().decode(io.BytesIO(data), "notes.txt", DEFAULTS)
    assert batch.cases == [] and batch.fault is not None
    assert batch.fault.severity is Severity.ERROR
    assert batch.fault.location == f"notes.txt:byte {len(data) - 16}"
    assert "not valid utf-8" in batch.fault.message


def test_cp1252_documents_still_read_whole() -> None:
    data = "café \u2013 C2 at 198.51.100.9\n".encode("cp1252")
    (batch,) = TextCodec().decode(io.BytesIO(data), "notes.txt", DEFAULTS)
    assert batch.fault is None and batch.cases[0].draft.occurrences[0].value == "198.51.100.9"


def test_html_in_pieces_reads_as_the_whole_document() -> None:
    html = ("<html><head><title>Note</title></head><body>"
            + "".join(f"<p>Payload {n} at <a href='http://cdn{n}.bad.example/p'>link</a>.</p>"
                      for n in range(200)) + "</body></html>")
    pieces = [html[i:i + 97] for i in range(0, len(html), 97)]
    out = list(stream.html_text(pieces))
    assert out[-1] == "\0Note"
    assert " ".join("".join(out[:-1]).split()) == " ".join(html_to_text(html)[1].split())


@pytest.mark.parametrize("cte", ["base64", "quoted-printable", "8bit"])
def test_a_long_single_part_email_streams_through_its_encoding(cte: str) -> None:
    body = ("Résumé: pay at evil-pay.example now, or 203.0.113.5 calls.\n" * 5000).encode()
    encoded = {"base64": base64.encodebytes(body), "quoted-printable": quopri.encodestring(body),
               "8bit": body}[cte]
    message = (b"From: a@sender.example\nSubject: Pay [TLP:GREEN]\nMIME-Version: 1.0\n"
               b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
               + cte.encode() + b"\n\n" + encoded)
    title, extras, bodies = stream.email_parts(message[i:i + 1000]
                                               for i in range(0, len(message), 1000))
    assert title == "Pay [TLP:GREEN]" and extras[0].raw == "a@sender.example"
    assert "".join(bodies) == body.decode()
