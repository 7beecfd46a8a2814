"""The Atom feed of bulletins: valid Atom 1.0 read by feedparser, text escaped."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser

from cyberfusion.domain.bulletins import (
    Bulletin,
    BulletinStatus,
    BulletinText,
    SourceKind,
    SourceRef,
)
from cyberfusion.formats.atom import feed

AT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
NOW = datetime(2026, 6, 2, tzinfo=UTC)


def published(number: int, title: str, at: datetime) -> Bulletin:
    text = BulletinText(title, "Fake invoices <script>alert(1)</script> & loaders.",
                        "Accountants", "Call the supplier back on a known number.",
                        (SourceRef(SourceKind.ENTITY, 4, "LockBit"),))
    return Bulletin(number, text, BulletinStatus.PUBLISHED, 1, "hub", at, at,
                    published_at=at)


def test_feed_parses_without_errors_and_keeps_every_field() -> None:
    doc = feed([published(2, "Newer", NOW), published(1, "فواتير مزيفة", AT)],
               "https://hub.example/", "Cyber Fusion Hub", NOW)
    parsed = feedparser.parse(doc)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id == "https://hub.example/bulletins"
    assert parsed.feed.updated == "2026-06-02T00:00:00Z"
    first, second = parsed.entries
    assert first.id == "https://hub.example/bulletins/2"
    assert second.title == "فواتير مزيفة"
    assert second.updated == "2026-06-01T09:30:00Z"
    assert second.link == "https://hub.example/bulletins/1"
    assert second.summary.startswith("Fake invoices <script>")
    assert "LockBit" in second.content[0].value
    assert b"<script>" not in doc


def test_an_empty_feed_is_valid_and_dated_now() -> None:
    parsed = feedparser.parse(feed([], "https://hub.example", "Hub", NOW))
    assert parsed.bozo == 0
    assert parsed.entries == []
    assert parsed.feed.updated == "2026-06-02T00:00:00Z"
