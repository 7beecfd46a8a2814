"""In headless Chromium: from a network's page, plan an operation with the button, create it
through the form, and add a task on its page (TLP:AMBER+STRICT banner throughout)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
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
def live_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two linked cases (FR and DE) in a network, served on loopback; (base, network)."""
    require_chromium()
    ctx = make_context(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path)
    world = build_world(ctx)
    for org, country in (("fr-cyber", "FR"), ("de-cyber", "DE")):
        doc = {**case_doc(title=f"{org} case"), "countries": [country]}
        cases.create_case(ctx, world.principals[org], parse_case(doc, date(2026, 5, 1), 5))
    networks.recompute(ctx)
    [seen], _ = networks.list_networks(ctx, world.principals["de-cyber"])
    with serving(create_app(ctx)) as base:
        yield base, seen.ref
    ctx.db.dispose()


def test_plan_an_operation_from_a_network_page(live_server: tuple[str, str]) -> None:
    base, ref = live_server
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/networks/{ref}")
        log_in(page, base, "de-cyber.analyst", f"/networks/{ref}")
        page.click("#plan-operation")
        page.wait_for_selector("#create-operation")
        assert page.locator("input[name=network]").input_value() == ref
        assert "fr-ncb" in page.locator("input[name=participants]").input_value()
        page.fill("input[name=title]", "Operation Wallet")
        page.click("#create")
        page.wait_for_selector("h1[data-operation-id]")
        assert page.locator(".tlp-banner").get_attribute("data-tlp") == "TLP:AMBER+STRICT"
        assert page.locator("#package-cases tr[data-case]").count() == 2
        page.fill("#add-task input[name=title]", "Seize the payment server")
        page.select_option("#add-task select[name=owner]", "fr-ncb")
        page.click("#add-task button[type=submit]")
        page.wait_for_selector("#task-list tr[data-task]")
        assert "Seize the payment server" in page.locator("#task-list").inner_text()
    assert errors == []
