"""Bulletins in headless Chromium: a hub analyst writes one, a second hub user approves and
publishes it, and an anonymous visitor reads it on the public page (no console errors, so
no CSP violation on the way)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import chromium_page, log_in, require_chromium, serving
from bulletin_support import SECOND, second_hub_user
from playwright.sync_api import Page
from worlds import build_world

from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app

pytestmark = pytest.mark.browser
TITLE = "Fake invoices carry ransomware loaders"


@pytest.fixture
def base(sqlite_ctx: Context) -> Iterator[str]:
    """The fixed world with a second hub analyst, served by uvicorn."""
    require_chromium()
    build_world(sqlite_ctx)
    second_hub_user(sqlite_ctx)
    with serving(create_app(sqlite_ctx)) as url:
        yield url


def write(page: Page, base: str) -> str:
    """The hub analyst saves a draft; the path of its desk page."""
    page.goto(f"{base}/login?next=/hub/bulletins/new")
    log_in(page, base, "hub.analyst", "/hub/bulletins/new")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=threat]", "Mails with fake invoices carry a loader.")
    page.fill("textarea[name=affected]", "Accountants of small companies.")
    page.fill("textarea[name=actions]", "Call the supplier back on a number you know.")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(rf"{base}/hub/bulletins/\d+$"))
    assert page.locator("td[data-status]").inner_text() == "draft"
    assert page.locator("button:text-is('Approve')").count() == 0  # not by its author
    path = page.url.removeprefix(base)
    page.click("form.who button[type=submit]")
    page.wait_for_url(f"{base}/login")
    return path


def approve_and_publish(page: Page, base: str, path: str) -> None:
    """The second hub user approves and publishes it from the desk."""
    page.goto(f"{base}/login?next=/hub/bulletins")
    log_in(page, base, SECOND, "/hub/bulletins")
    page.click(f"a:text-is('{TITLE}')")
    page.wait_for_url(f"{base}{path}")
    page.click("button:text-is('Approve')")
    page.wait_for_selector("td[data-status]:text-is('approved')")
    page.click("button:text-is('Publish')")
    page.wait_for_selector("td[data-status]:text-is('published')")
    page.click("form.who button[type=submit]")
    page.wait_for_url(f"{base}/login")


def test_written_approved_published_and_read_anonymously(base: str) -> None:
    errors: list[str] = []
    with chromium_page(errors) as page:
        path = write(page, base)
        approve_and_publish(page, base, path)
        page.context.clear_cookies()
        page.goto(f"{base}/bulletins")
        assert page.locator(".tlp-banner").get_attribute("data-tlp") == "TLP:CLEAR"
        page.click(f"a:text-is('{TITLE}')")
        page.wait_for_url(re.compile(rf"{base}/bulletins/\d+$"))
        assert page.locator("h1").inner_text() == TITLE
        assert "Call the supplier back" in page.locator("article").inner_text()
        assert page.locator("form.who").count() == 0
    assert errors == []
