"""Atom 1.0 (RFC 4287) feed of published prevention bulletins.

Feed: id, title, updated, author, self and alternate links. Entry: id (the bulletin's
public address), title, updated and published (its publication), summary (the threat),
content (the whole bulletin as escaped HTML) and an alternate link to its public page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from cyberfusion.domain.bulletins import Bulletin

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
SUMMARY_MAX = 400
#: Section headings of a bulletin, in the order they are shown everywhere.
SECTIONS = (("threat", "The threat"), ("affected", "Who is affected"),
            ("actions", "What to do"))

ET.register_namespace("", ATOM)


def stamp(moment: datetime) -> str:
    """An RFC 3339 date-time in UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """Append an Atom element with optional text and attributes."""
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def summary(bulletin: Bulletin) -> str:
    """The threat, cut at SUMMARY_MAX characters."""
    threat = " ".join(bulletin.text.threat.split())
    return threat if len(threat) <= SUMMARY_MAX else threat[:SUMMARY_MAX - 1] + "…"


def content_html(bulletin: Bulletin, base_url: str) -> str:
    """The bulletin's sections (and sources) as a small HTML fragment, text escaped."""
    parts = []
    for name, heading in SECTIONS:
        text: str = getattr(bulletin.text, name)
        paragraphs = "".join(f'<p dir="auto">{html.escape(p.strip())}</p>'
                             for p in text.split("\n\n") if p.strip())
        parts.append(f"<h2>{heading}</h2>{paragraphs}")
    if bulletin.text.sources:
        items = "".join(f'<li dir="auto">{html.escape(s.kind.value)}: '
                        f"{html.escape(s.title)}</li>" for s in bulletin.text.sources)
        parts.append(f"<h2>Sources</h2><ul>{items}</ul>")
    parts.append(f'<p><a href="{html.escape(base_url)}/bulletins/{bulletin.id}">'
                 "Read it on the bulletin page</a></p>")
    return "".join(parts)


def _entry(feed: ET.Element, bulletin: Bulletin, base_url: str) -> None:
    """One published bulletin as an entry."""
    at = bulletin.published_at or bulletin.updated_at
    url = f"{base_url}/bulletins/{bulletin.id}"
    entry = _add(feed, "entry")
    _add(entry, "id", url)
    _add(entry, "title", bulletin.text.title, type="text")
    _add(entry, "updated", stamp(at))
    _add(entry, "published", stamp(at))
    _add(entry, "link", rel="alternate", type="text/html", href=url)
    _add(entry, "summary", summary(bulletin), type="text")
    _add(entry, "content", content_html(bulletin, base_url), type="html")


def feed(bulletins: Sequence[Bulletin], base_url: str, publisher: str,
         now: datetime) -> bytes:
    """The feed document for `bulletins` (newest first); `updated` is the newest entry's
    publication, or `now` when there is none."""
    base_url = base_url.rstrip("/")
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "en"})
    _add(root, "id", f"{base_url}/bulletins")
    _add(root, "title", "Prevention bulletins", type="text")
    _add(root, "subtitle", "TLP:CLEAR advice on cybercrime threats, free to share",
         type="text")
    newest = max((b.published_at or b.updated_at for b in bulletins), default=now)
    _add(root, "updated", stamp(newest))
    author = _add(root, "author")
    _add(author, "name", publisher)
    _add(root, "link", rel="self", type=MEDIA_TYPE, href=f"{base_url}/bulletins/feed.atom")
    _add(root, "link", rel="alternate", type="text/html", href=f"{base_url}/bulletins")
    _add(root, "rights", "TLP:CLEAR: may be shared without restriction", type="text")
    for bulletin in bulletins:
        _entry(root, bulletin, base_url)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
