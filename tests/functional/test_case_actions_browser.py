"""In headless Chromium: correct a case through its edit form, withdraw it, and review an
import's extracted values before committing it (without any script of ours)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import chromium_page, log_in, require_chromium, serving
from conftest import make_context
from worlds import World, build_world, case_doc

from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases
from cyberfusion.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, World, int]]:
    """A live server over a small world with one French case."""
    require_chromium()
    ctx = make_context(f"sqlite:///{tmp_path / 'actions.db'}", tmp_path)
    world = build_world(ctx)
    case = cases.create_case(ctx, world.principals["fr-cyber"],
                             parse_case(case_doc("Imported as phishing"), ctx.now().date(), 5))
    with serving(create_app(ctx)) as base:
        yield base, world, case.id
    ctx.db.dispose()


def test_edit_then_withdraw_a_case(live: tuple[str, World, int]) -> None:
    base, world, case_id = live
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/login?next=/cases/{case_id}")
        log_in(page, base, "fr-cyber.analyst", f"/cases/{case_id}")
        page.click("nav.case-actions >> text=Edit")
        page.wait_for_url(f"{base}/cases/{case_id}/edit")
        page.select_option("select[name=crime_type]", "phishing")
        page.fill("input[name=countries]", "FR, ES")
        page.fill("input[name=title]", "Phishing kit, corrected")
        page.click("button:has-text('Save changes')")
        page.wait_for_url(f"{base}/cases/{case_id}?saved=1")
        assert page.locator("h1").inner_text() == "Phishing kit, corrected"
        assert "Saved as version 2" in page.content()
        page.click("details.withdraw summary")
        page.fill("details.withdraw input[name=reason]", "filed twice")
        page.click("details.withdraw button[type=submit]")
        page.wait_for_selector("[data-state=withdrawn]")
        assert page.locator("nav.case-actions").count() == 0
    case = cases.get_case(world.ctx, world.principals["fr-cyber"], case_id)
    assert case.revoked and case.countries == ("FR", "ES") and case.crime_type.value == "phishing"
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_review_an_import_and_drop_a_false_positive(live: tuple[str, World, int],
                                                   tmp_path: Path) -> None:
    base, world, _ = live
    report = tmp_path / "report.txt"
    report.write_text("Beacon to 185.220.101[.]4; our wiki is wiki.example.org.\n")
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/login?next=/imports")
        log_in(page, base, "fr-cyber.analyst", "/imports")
        page.set_input_files("input[name=file]", str(report))
        page.click("button:has-text('Upload and preview')")
        page.wait_for_selector("[data-status=held]")
        page.uncheck("tr:has-text('wiki.example.org') input[name=keep]")
        page.click("button:has-text('Import it')")
        page.wait_for_selector("[data-landed-case]", timeout=30_000)
        page.click("[data-landed-case] a")
        page.wait_for_selector("h1[data-case-id]")
        case_id = int(page.locator("h1").get_attribute("data-case-id") or 0)
    values = {o.value for o in cases.get_case(world.ctx, world.principals["fr-cyber"],
                                              case_id).occurrences}
    assert values == {"185.220.101.4"}
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_who_will_see_follows_the_pickers_live(live: tuple[str, World, int]) -> None:
    base, _, _ = live
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/login?next=/cases/new")
        log_in(page, base, "fr-cyber.analyst", "/cases/new")
        page.wait_for_selector("#audience li[data-org=de-cyber][data-access=full]")
        page.select_option("select[name=tlp]", "red")
        page.select_option("select[name=release]", ["org:br-cyber"])
        page.wait_for_function(
            "() => [...document.querySelectorAll('#audience li[data-access=full]')]"
            ".map(i => i.dataset.org).sort().join(' ') === 'br-cyber fr-cyber'")
        assert page.locator("#audience li[data-org=de-ncb][data-access=full]").count() == 0
    assert not [e for e in errors if "Content Security Policy" in e], errors
