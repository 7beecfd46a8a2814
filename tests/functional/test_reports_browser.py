"""Cyber activity reports in headless Chromium: a hub analyst builds a report in the builder
(preview with the withheld count), a second hub user approves and sends it, and the
recipient opens its copy (the opening lands in the audit trail); no CSP refusal on the way."""

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
from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Context]]:
    """Uvicorn on loopback: a French case all members read, a German one only Germany reads,
    and a second hub user to approve."""
    require_chromium()
    ctx = make_context(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path)
    world = build_world(ctx)
    orgs.create_user(ctx, None, "hub.reviewer", "hub", frozenset({Role.ANALYST}), PASSWORD)
    for org, title, release in (("fr-cyber", "Ransomware on a Lyon hospital", ["members"]),
                                ("de-cyber", "Ransomware in Köln", ["country:DE", "org:hub"])):
        doc = {**case_doc(release=release), "title": title}
        cases.create_case(ctx, world.principals[org], parse_case(doc, ctx.now().date(), 5))
    with serving(create_app(ctx)) as base:
        yield base, ctx
    ctx.db.dispose()


def test_build_approve_send_and_open_a_report(live: tuple[str, Context]) -> None:
    base, ctx = live
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/login?next=/reports")
        log_in(page, base, "hub.analyst", "/reports")
        page.click("#new-report")
        page.fill("input[name=title]", "Ransomware in Europe")
        page.fill("input[name=from]", "2026-01-01")
        page.fill("input[name=to]", "2026-12-31")
        page.check("input[name=region][value=europe]")
        page.select_option("#recipients", ["fr-ncb"])
        page.fill("textarea[name=assessment]", "Hospitals remain the main target.")
        page.click("#preview")
        preview = page.locator("#withheld-preview")
        assert preview.get_attribute("data-cases") == "1"
        assert preview.get_attribute("data-withheld") == "1"
        assert "Lyon hospital" in page.locator(".report-frame").inner_text()
        assert "Köln" not in page.content()
        page.click("#save")
        page.wait_for_selector("#report-status[data-status=draft]")
        assert page.locator("#needs-second").count() == 1 and page.locator("#approve").count() == 0
        report_url = page.url
        page.click("form.who button")  # log out

        page.goto(f"{base}/login?next=/reports")
        log_in(page, base, "hub.reviewer", "/reports")
        page.goto(report_url)
        page.click("#approve")
        page.wait_for_selector("#report-status[data-status=approved]")
        page.click("#send")
        page.wait_for_selector("#report-status[data-status=sent]")
        assert page.locator("#deliveries tr[data-recipient=fr-ncb]").get_attribute(
            "data-status") == "sent"
        page.click("form.who button")

        page.goto(f"{base}/login?next=/reports")
        log_in(page, base, "fr-ncb.analyst", "/reports")
        page.click("table#reports a")
        page.wait_for_selector("#annex-FR")
        assert "Hospitals remain the main target." in page.locator("#assessment").inner_text()
        assert page.locator("#trend-chart").count() == 1
        page.screenshot(path=str(Path(os.environ.get("CYBERFUSION_SCREENSHOTS", "/tmp"))
                                 / "cyberfusion-report.png"), full_page=True)
    assert not errors, errors
    with ctx.db.read() as tx:
        opened = tx.audit.about_org("fr-ncb", ["report.read"], None, 10)
    assert [e.actor_org_id for e in opened] == ["fr-ncb"]
