"""The demo world in headless Chromium: a case of the planted ransomware network leads to its
family's entity page, which names the family's aliases."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import chromium_page, require_chromium, serving

from cyberfusion.config import Settings
from cyberfusion.demo import DEMO_PASSWORD, generate_world
from cyberfusion.demo.networks import PLANTED_CASES, RANSOMWARE, RANSOMWARE_FAMILY
from cyberfusion.services.context import build_context
from cyberfusion.services.seed import TRUTH_FILE, seed_demo
from cyberfusion.store import schema
from cyberfusion.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[str, str, int]]:
    """A small demo world served by uvicorn: (base URL, a case owner's analyst, its case)."""
    require_chromium()
    ctx = build_context(Settings(data_dir=tmp_path, warninglists=False, import_workers=0,
                                 sweep_interval_seconds=0), fast_hashing=True)
    schema.upgrade(ctx.db)
    world = generate_world(cases=PLANTED_CASES + 20, today=ctx.now().date())
    seed_demo(ctx, world)
    truth = json.loads((tmp_path / TRUTH_FILE).read_text())
    owner = world.cases[world.truth[RANSOMWARE][0]].owner_org_id
    analyst = next(u.username for u in world.users
                   if u.org_id == owner and u.username.endswith(".analyst"))
    with serving(create_app(ctx)) as base:
        yield base, analyst, truth[RANSOMWARE][0]
    ctx.db.dispose()


def test_a_ransomware_case_leads_to_its_family_and_aliases(demo: tuple[str, str, int]) -> None:
    base, analyst, case_id = demo
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.goto(f"{base}/login?next=/cases/{case_id}")
        page.fill("input[name=username]", analyst)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/cases/{case_id}")
        assert RANSOMWARE_FAMILY in page.locator("h1").inner_text()
        page.click(f"#case-entities a:text-is('{RANSOMWARE_FAMILY}')")
        page.wait_for_selector("h1[data-entity]")
        assert page.locator("h1[data-entity]").inner_text().startswith(RANSOMWARE_FAMILY)
        aliases = page.locator("#aliases .alias").all_inner_texts()
        assert "ABCD ransomware" in aliases, aliases
        assert page.locator("#linked-cases tr[data-case]").count() >= 1
        assert page.locator("#entity-graph").count() == 1
        page.screenshot(path=str(Path(os.environ.get("CYBERFUSION_SCREENSHOTS", "/tmp"))
                                 / "cyberfusion-entity.png"), full_page=True)
    assert not errors, errors
