"""In headless Chromium: report a ransomware incident through the form (the note uploaded as
UTF-16), see its hits, family candidates and TLP banner, and tick a checklist step."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from browser_support import chromium_page, log_in, require_chromium, serving
from conftest import make_context
from worlds import build_world, case_doc

from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases
from cyberfusion.web.app import create_app

pytestmark = pytest.mark.browser
WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
NOTE = ("All your important files are encrypted! To get the decryption key contact us: "
        "lockbit_decrypt@onionmail.org. Do not rename the .lockbit files.")


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """The small test world, DE holding a case with the wallet, served on loopback."""
    require_chromium()
    ctx = make_context(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path)
    world = build_world(ctx)
    cases.create_case(ctx, world.principals["de-cyber"],
                      parse_case(case_doc(), date(2026, 5, 1), 5))
    with serving(create_app(ctx)) as base:
        yield base
    ctx.db.dispose()


def test_report_an_incident_and_tick_a_checklist_step(live_server: str,
                                                      tmp_path: Path) -> None:
    base = live_server
    note = tmp_path / "Restore-My-Files.txt"
    note.write_bytes(NOTE.encode("utf-16"))
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/incidents/new")
        log_in(page, base, "fr-cyber.analyst", "/incidents/new")
        page.fill("input[name=title]", "Ransomware at a regional hospital")
        page.select_option("select[name=type]", "ransomware")
        page.fill("input[name=country]", "FR")
        page.fill("input[name=victim_sector]", "health")
        page.fill("textarea[name=summary]", "Radiology encrypted since 06:00.")
        page.fill("textarea[name=timeline]", "2026-05-20T06:00Z first files encrypted")
        page.set_input_files("input[name=note_file]", str(note))
        page.fill("input[name=extension]", ".lockbit")
        page.fill("input[name=wallet]", WALLET)
        page.fill("input[name=ransom_amount]", "250000")
        page.fill("input[name=currency]", "USD")
        page.fill("input[name=infrastructure_countries]", "BR")
        page.click("#report-incident button[type=submit]")
        page.wait_for_selector("h1[data-incident-id]")
        assert page.locator(".tlp-banner").get_attribute("data-tlp") == "TLP:AMBER"
        assert WALLET in page.locator("#incident-hits").inner_text()
        assert page.locator("#assistance-thread").count() == 1
        best = page.locator("#candidates tr[data-family]").first.get_attribute("data-family")
        assert best and "lockbit" in best.lower()
        assert page.locator("#checklist li[data-done=yes]").count() == 0
        page.click("#step-1 button")
        page.wait_for_selector("#step-1[data-done=yes]")
        assert "done by fr-cyber.analyst" in page.locator("#step-1").inner_text()
        assert page.locator("#checklist li[data-done=yes]").count() == 1
    assert errors == []
