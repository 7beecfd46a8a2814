"""In headless Chromium: a member opens the ransomware forum, starts a thread, another
member posts in it, each post shows its verified signature, and the TLP banner shows the
thread's level; a partner member does not see a thread not released to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import chromium_page, log_in, require_chromium, serving
from conftest import make_context
from worlds import build_world

from cyberfusion.services import communities
from cyberfusion.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The small test world with a forum (hub moderates; FR, DE and the partner are
    members), served on loopback."""
    require_chromium()
    ctx = make_context(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path)
    world = build_world(ctx)
    forum = communities.create_community(ctx, None, "ransomware-forum", "Ransomware forum",
                                         "The global response to ransomware", ("hub",))
    for org in ("fr-cyber", "de-cyber", "acme-sec"):
        communities.set_member(ctx, world.principals["hub"], forum.id, org, "member")
    with serving(create_app(ctx)) as base:
        yield base, forum.id
    ctx.db.dispose()


def test_members_post_in_a_community_thread(live_server: tuple[str, int]) -> None:
    base, forum = live_server
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/communities")
        log_in(page, base, "fr-cyber.analyst", "/communities")
        page.click(f"#communities tr[data-community='{forum}'] a")
        page.wait_for_selector("h1[data-community-id]")
        page.fill("#new-thread input[name=title]", "Decryptor for the new LockBit builder?")
        page.fill("#new-thread textarea[name=body]", "Has anyone recovered keys from memory?")
        page.select_option("#new-thread select[name=tlp]", "amber")
        page.click("#new-thread button[type=submit]")
        page.wait_for_selector("h1[data-thread-id]")
        assert page.locator(".tlp-banner").get_attribute("data-tlp") == "TLP:AMBER"
        thread_url = page.url
        page.context.clear_cookies()
        page.goto(thread_url)
        log_in(page, base, "de-cyber.analyst", thread_url.removeprefix(base))
        page.fill("#reply textarea[name=body]", "Yes: two cases in DE, details by channel.")
        page.click("#reply button[type=submit]")
        page.wait_for_selector("#posts li[data-post] >> nth=1")
        posts = page.locator("#posts li[data-post]")
        assert posts.count() == 2
        assert "two cases in DE" in posts.nth(1).inner_text()
        assert page.locator("#posts .sig[data-verified=yes]").count() == 2
        page.context.clear_cookies()
        page.goto(f"{base}/communities/{forum}")
        log_in(page, base, "acme-sec.analyst", f"/communities/{forum}")
        assert page.locator("#community-threads tr[data-thread]").count() == 0
    assert errors == []
