"""In headless Chromium: enrol an authenticator app from the security page (QR code drawn
as SVG, no script), confirm with its code, then turn it off with a code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from browser_support import chromium_page, log_in, require_chromium, serving
from conftest import make_context
from worlds import build_world

from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Context]]:
    """A real uvicorn server on loopback with the small test world, and its context."""
    require_chromium()
    ctx = make_context(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path)
    build_world(ctx)
    with serving(create_app(ctx)) as base:
        yield base, ctx
    ctx.db.dispose()


def test_enrol_confirm_and_turn_off_two_step_sign_in(live: tuple[str, Context],
                                                     tmp_path: Path) -> None:
    base, ctx = live
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/settings/security")
        log_in(page, base, "fr-cyber.analyst", "/settings/security")
        assert page.get_attribute("#totp-state", "data-totp") == "off"
        qr = page.locator("#totp-qr svg")
        box = qr.bounding_box()
        assert box is not None and box["width"] >= 100 and box["height"] >= 100
        page.screenshot(path=str(tmp_path / "security.png"), full_page=True)
        secret = page.inner_text("#totp-secret").strip()
        assert pyotp.parse_uri(page.get_attribute("#totp-uri", "href") or "").secret == secret
        code = pyotp.TOTP(secret).at(ctx.now())
        page.fill("#totp-confirm input[name=code]", code)
        page.click("#totp-confirm button[type=submit]")
        page.wait_for_url(f"{base}/settings/security?done=enabled")
        assert page.get_attribute("#totp-state", "data-totp") == "on"
        page.fill("#totp-off input[name=code]", "000000")
        page.click("#totp-off button[type=submit]")
        page.wait_for_selector("[data-location=code]")
        assert page.get_attribute("#totp-state", "data-totp") == "on"
        page.fill("#totp-off input[name=code]", code)
        page.click("#totp-off button[type=submit]")
        page.wait_for_url(f"{base}/settings/security?done=disabled")
        assert page.get_attribute("#totp-state", "data-totp") == "off"
    assert not [e for e in errors if "Content Security Policy" in e], errors
