"""Networks and hits in headless Chromium: the graph draws under the strict CSP, and a
search HIT leads to a disclosure request."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import chromium_page, log_in, require_chromium, serving
from conftest import make_context
from worlds import build_world, case_doc

from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, networks
from cyberfusion.web.app import create_app

pytestmark = pytest.mark.browser



@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """Uvicorn on loopback: three linked cases (one held by BR as hit-only), networks done."""
    require_chromium()
    ctx = make_context(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path)
    world = build_world(ctx)
    for org, title, release in (("fr-cyber", "Nocturne affiliate in Lyon", ["members"]),
                                ("de-cyber", "Nocturne affiliate in Köln", ["members"]),
                                ("br-cyber", "Nocturne payments in São Paulo", ["country:BR"])):
        doc = {**case_doc(release=release, hit_policy="hit"), "title": title}
        cases.create_case(ctx, world.principals[org], parse_case(doc, ctx.now().date(), 5))
    networks.recompute(ctx)
    with serving(create_app(ctx)) as base:
        yield base
    ctx.db.dispose()


# cytoscape keeps its instance on the container (`_cyreg`); read what each case node shows.
_CASE_LABELS = """() => {
  const cy = document.getElementById("graph")._cyreg.cy;
  return cy.nodes("[kind = 'case']").map((n) => {
    const short = n.style("label");
    n.select();
    const whole = n.style("label");
    n.unselect();
    return [n.data("case"), short, whole];
  });
}"""


def test_network_graph_and_disclosure_request(live_server: str) -> None:
    base = live_server
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/login?next=/networks")
        log_in(page, base, "fr-cyber.analyst", "/networks")
        page.click("table#networks a")
        page.wait_for_selector("#graph[data-ready='1']", timeout=15000)
        assert page.locator("#graph").get_attribute("data-nodes") == "6"  # 2 cases, 3 values, more
        assert page.locator("[data-count=more]").inner_text() == "1"
        assert "São Paulo" not in page.content()
        labels = page.evaluate(_CASE_LABELS)  # short labels; the whole one once selected
        assert [short for _, short, _ in labels] == [f"#{case}" for case, _, _ in labels]
        assert all(whole.startswith(f"#{case} ") for case, _, whole in labels)
        page.screenshot(path=str(Path(os.environ.get("CYBERFUSION_SCREENSHOTS", "/tmp"))
                                 / "cyberfusion-network.png"), full_page=True)
        page.goto(f"{base}/search?value=185.220.101.4")
        page.click("a.request-disclosure")
        page.fill("textarea[name=reason]", "Same C2 as our Lyon case")
        page.click("#request-disclosure button[type=submit]")
        page.wait_for_selector("h1[data-status=requested]")
        assert "Same C2 as our Lyon case" in page.locator("ol.history").inner_text()
    assert not errors, errors  # no CSP refusal, failed load or library warning
