"""Networks and hits in headless Chromium: the graph draws under the strict CSP, and a
search HIT leads to a disclosure request."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from conftest import make_context
from worlds import PASSWORD, build_world, case_doc

from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, networks
from cyberfusion.web.app import create_app

CHROMIUM = os.environ.get("CYBERFUSION_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """Uvicorn on loopback: three linked cases (one held by BR as hit-only), networks done."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing on CI; .ci/run installs Debian's chromium")
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    ctx = make_context(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path)
    world = build_world(ctx)
    for org, title, release in (("fr-cyber", "Nocturne affiliate in Lyon", ["members"]),
                                ("de-cyber", "Nocturne affiliate in Köln", ["members"]),
                                ("br-cyber", "Nocturne payments in São Paulo", ["country:BR"])):
        doc = {**case_doc(release=release, hit_policy="hit"), "title": title}
        cases.create_case(ctx, world.principals[org], parse_case(doc, ctx.now().date(), 5))
    networks.recompute(ctx)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    ctx.db.dispose()


def test_network_graph_and_disclosure_request(live_server: str) -> None:
    from playwright.sync_api import sync_playwright

    base = live_server
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{base}/login?next=/networks")
        page.fill("input[name=username]", "fr-cyber.analyst")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/networks")
        page.click("table#networks a")
        page.wait_for_selector("#graph[data-ready='1']", timeout=15000)
        assert page.locator("#graph").get_attribute("data-nodes") == "6"  # 2 cases, 3 values, more
        assert page.locator("[data-count=more]").inner_text() == "1"
        assert "São Paulo" not in page.content()
        page.screenshot(path=str(Path(os.environ.get("CYBERFUSION_SCREENSHOTS", "/tmp"))
                                 / "cyberfusion-network.png"), full_page=True)
        page.goto(f"{base}/search?value=185.220.101.4")
        page.click("a.request-disclosure")
        page.fill("textarea[name=reason]", "Same C2 as our Lyon case")
        page.click("#request-disclosure button[type=submit]")
        page.wait_for_selector("h1[data-status=requested]")
        assert "Same C2 as our Lyon case" in page.locator("ol.history").inner_text()
        browser.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
