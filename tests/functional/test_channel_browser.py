"""In headless Chromium: compose an urgent request, and the recipient acknowledges it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, FLAGS, log_in, require_chromium, serving
from conftest import make_context
from playwright.sync_api import Page
from worlds import build_world

from cyberfusion.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """A real uvicorn server on loopback with the small test world."""
    require_chromium()
    ctx = make_context(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path)
    build_world(ctx)
    ctx.settings.sse_poll_seconds = 0.2
    with serving(create_app(ctx)) as base:
        yield base
    ctx.db.dispose()


def log_in_to_inbox(page: Page, base: str, username: str) -> None:
    """Log in through the form and land on the inbox."""
    page.goto(f"{base}/inbox")
    log_in(page, base, username, "/inbox")


def test_compose_an_urgent_request_and_the_recipient_acknowledges(live_server: str) -> None:
    from playwright.sync_api import sync_playwright

    base = live_server
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        recipient = browser.new_context().new_page()
        recipient.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in_to_inbox(recipient, base, "de-cyber.analyst")
        recipient.wait_for_selector("[data-live-status]:has-text('Live')")

        sender = browser.new_context().new_page()
        sender.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in_to_inbox(sender, base, "fr-cyber.analyst")
        sender.click("nav >> text=Inbox")
        sender.click("text=Compose")
        sender.click("nav.tabs >> text=Information request")
        sender.fill("input[data-filter-list=to-options]", "de cyber")
        assert sender.locator("#to-options li:visible").count() == 1
        sender.check("input[name=to][value=de-cyber]")
        sender.select_option("select[name=priority]", "urgent")
        sender.fill("input[name=subject]", "Who rents 185.220.101.4?")
        sender.fill("textarea[name=field_question]", "Subscriber of the server on 12 May")
        sender.fill("textarea[name=body]", "Linked to the Lyon hospital attack.")
        sender.click("button:has-text('Send signed')")
        sender.wait_for_selector("h1[data-thread-id]")
        assert "signature verified" in sender.inner_text("article.message")

        recipient.wait_for_selector("#notes li.fresh")
        recipient.wait_for_selector("#threads >> text=Who rents 185.220.101.4?")
        recipient.click("#threads >> text=Who rents 185.220.101.4?")
        recipient.wait_for_selector("#acknowledge")
        assert recipient.locator(".prio").first.inner_text().lower() == "urgent"
        recipient.click("#acknowledge")
        recipient.wait_for_selector("#parties tr[data-status=acknowledged]")

        sender.reload()
        status = sender.locator("#parties tr[data-org=de-cyber]").get_attribute("data-status")
        assert status == "acknowledged"
        browser.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors
