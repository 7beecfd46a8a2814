"""The web UI in headless Chromium: log in, list cases, open one, see its banner and audience."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import chromium_page, log_in, require_chromium, serving
from conftest import make_context
from worlds import PASSWORD, build_world, case_doc

from cyberfusion.domain.model import Role
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, orgs
from cyberfusion.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A real uvicorn server on loopback with a small world and one RED case."""
    require_chromium()
    ctx = make_context(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path)
    world = build_world(ctx)
    doc = {**case_doc(tlp="red", release=["org:fr-ncb"], hit_policy="hit"),
           "title": "LockBit affiliate: hospital in Lyon"}
    case = cases.create_case(ctx, world.principals["fr-cyber"],
                             parse_case(doc, ctx.now().date(), 5))
    orgs.create_user(ctx, None, "fr-ncb.admin", "fr-ncb", frozenset({Role.ADMIN}), PASSWORD)
    with serving(create_app(ctx)) as base:
        yield base, case.id
    ctx.db.dispose()


def test_log_in_and_open_a_case(live_server: tuple[str, int]) -> None:
    base, case_id = live_server
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/cases")
        assert page.url.startswith(f"{base}/login")
        log_in(page, base, "fr-cyber.analyst", "/cases")
        page.click("text=LockBit affiliate: hospital in Lyon")
        page.wait_for_url(f"{base}/cases/{case_id}")
        assert page.locator(".tlp-banner").get_attribute("data-tlp") == "TLP:RED"
        assert page.locator("h1").inner_text() == "LockBit affiliate: hospital in Lyon"
        admitted = page.locator("ul.who-can-see li[data-access=full]").evaluate_all(
            "items => items.map(i => i.dataset.org)")
        assert sorted(admitted) == ["fr-cyber", "fr-ncb"]
        page.click("text=185.220.101.4")
        page.wait_for_selector("h2.mono")
        assert "185.220.101.4" in page.locator("h2.mono").inner_text()
        page.screenshot(path=str(Path(os.environ.get("CYBERFUSION_SCREENSHOTS", "/tmp"))
                                 / "cyberfusion-observable.png"))
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_an_admin_sets_notification_channels_and_adds_a_webhook(
        live_server: tuple[str, int]) -> None:
    base, _ = live_server
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/settings/notifications")
        log_in(page, base, "fr-ncb.admin", "/settings/notifications")
        assert page.locator(".tlp-banner").get_attribute("data-tlp") == "TLP:AMBER"
        page.check("input[name='routine.email']")
        page.click("#channels button[type=submit]")
        page.wait_for_selector("text=Saved.")
        assert page.is_checked("input[name='routine.email']")
        page.fill("input[name=url]", "https://soc.example.org/hook")
        page.click("#add-webhook button[type=submit]")
        secret = page.locator("#webhook-secret code").inner_text()
        assert secret.startswith("whsec_")
        page.click("#webhooks button:has-text('Turn off')")
        page.wait_for_selector("#webhooks td:text-is('off')")
        assert secret not in page.content()
    assert not [e for e in errors if "Content Security Policy" in e], errors
