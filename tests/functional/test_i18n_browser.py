"""The main pages in Arabic, French and Spanish in headless Chromium: no English msgid left on
screen, `lang`/`dir` on <html>, and in Arabic a mirrored layout with indicators that keep their
left-to-right order inside Arabic sentences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, FLAGS, chromium_page, log_in, require_chromium, serving
from conftest import make_context
from playwright.sync_api import Page, sync_playwright
from worlds import build_world, case_doc

from cyberfusion import i18n
from cyberfusion.formats.case_json import parse_case
from cyberfusion.i18n_catalogue import read
from cyberfusion.services import cases
from cyberfusion.web.app import create_app

pytestmark = pytest.mark.browser
IP = "185.220.101.4"
PAGES = ["/", "/cases", "/cases/{case}", f"/search?value={IP}", "/hits", "/networks",
         "/imports", "/inbox", "/duty", "/entities", "/incidents", "/reports", "/cases/new",
         "/compose", "/organisations", "/settings/notifications", "/sources", "/incidents/new",
         "/incidents/wallets", "/bulletins", "/hits?tab=sent", "/hits?tab=disclosures",
         "/cases/999999"]
# Visible text that is the reader's data or a code, not interface text.
VISIBLE_TEXT = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const text = walk.currentNode.textContent.replace(/\\s+/g, ' ').trim();
    const el = walk.currentNode.parentElement;
    if (!text || !el.getClientRects().length) continue;
    if (el.closest('script, style, [dir=auto], bdi, code, .mono, option, nav.languages')) continue;
    out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], [alt]')) {
    for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
      const value = el.getAttribute(name);
      if (value) out.push(value.trim());
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real server with a small world and one case holding an IP."""
    require_chromium()
    tmp_path: Path = tmp_path_factory.mktemp("i18n")
    ctx = make_context(f"sqlite:///{tmp_path / 'i18n.db'}", tmp_path)
    world = build_world(ctx)
    doc = {**case_doc(), "title": "LockBit affiliate: hospital in Lyon"}
    case = cases.create_case(ctx, world.principals["fr-cyber"],
                             parse_case(doc, ctx.now().date(), 5))
    with serving(create_app(ctx)) as base:
        yield base, case.id
    ctx.db.dispose()


def english_left(language: str) -> set[str]:
    """English msgids without placeholders that the catalogue of `language` words otherwise."""
    left = set()
    for message in read(language):
        if not message.id or isinstance(message.id, tuple) or "%" in message.id:
            continue
        if message.string != message.id and re.search(r"[A-Za-z]{2}", message.id):
            left.add(message.id)
    return left


def untranslated(page: Page, english: set[str]) -> list[str]:
    """Text on the page that is an English msgid, alone or inside a longer run of text."""
    texts: list[str] = page.evaluate(VISIBLE_TEXT)
    long = {m for m in english if len(m.split()) >= 3}
    return sorted({t for t in texts if t in english or any(m in t for m in long)})


def switch_to(page: Page, base: str, language: str) -> None:
    """Choose `language` with the header's switcher on the login page."""
    page.goto(f"{base}/login")
    page.click(f"nav.languages a[hreflang={language}]")
    page.wait_for_url(f"{base}/login")
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_main_pages_show_no_english_interface_text(
        live_server: tuple[str, int], language: str) -> None:
    base, case_id = live_server
    english = english_left(language)
    errors: list[str] = []
    with chromium_page(errors) as page:
        switch_to(page, base, language)
        assert untranslated(page, english) == [], "/login"
        log_in(page, base, "fr-cyber.analyst", "/")
        for path in PAGES:
            page.goto(base + path.format(case=case_id))
            assert page.locator("html").get_attribute("lang") == language, path
            assert page.locator("html").get_attribute("dir") == i18n.direction(language)
            assert untranslated(page, english) == [], path
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_accept_language_chooses_the_language_without_a_choice(
        live_server: tuple[str, int]) -> None:
    base, _ = live_server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(locale="es-ES", extra_http_headers={"Accept-Language": "es"})
        page.goto(f"{base}/login")
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.locator("h1").inner_text() == "Iniciar sesión"
        browser.close()


def test_arabic_layout_is_mirrored_and_indicators_keep_their_order(
        live_server: tuple[str, int]) -> None:
    base, _ = live_server
    errors: list[str] = []
    with chromium_page(errors) as page:
        page.set_viewport_size({"width": 1366, "height": 900})
        switch_to(page, base, "ar")
        log_in(page, base, "fr-cyber.analyst", "/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        brand = page.locator("header .brand").bounding_box()
        links = page.locator("header nav:not(.languages) a")
        first, last = links.first.bounding_box(), links.last.bounding_box()
        assert brand and first and last
        assert brand["x"] > 1366 / 2, "the brand sits at the right in Arabic"
        assert first["x"] > last["x"] or first["y"] < last["y"], "the nav runs right to left"
        page.goto(f"{base}/search?value={IP}")
        heading = page.locator("#holders")
        assert heading.evaluate("h => getComputedStyle(h).direction") == "rtl"
        assert heading.locator("bdi").inner_text() == IP
        assert heading.locator("bdi").evaluate(
            "b => getComputedStyle(b).unicodeBidi") == "isolate"
        order = heading.locator("bdi").evaluate("""b => {
            const text = b.firstChild, xs = [];
            for (let i = 0; i < text.length; i++) {
                const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
                xs.push(r.getBoundingClientRect().left);
            }
            return {xs, sentence: b.parentNode.getBoundingClientRect().right,
                    bdi: b.getBoundingClientRect().right};
        }""")
        assert order["xs"] == sorted(order["xs"]), "the IP reads left to right"
        assert order["bdi"] < order["sentence"], "the Arabic words come first, on the right"
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_a_signed_in_choice_follows_the_person_to_another_browser(
        live_server: tuple[str, int]) -> None:
    base, _ = live_server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        first = browser.new_context(extra_http_headers={"Accept-Language": "fr"}).new_page()
        first.goto(f"{base}/login")
        log_in(first, base, "de-cyber.analyst", "/")
        assert first.locator("html").get_attribute("lang") == "fr"
        first.goto(f"{base}/search?value={IP}")
        first.click("nav.languages a[hreflang=es]")
        first.wait_for_url(f"{base}/search?value={IP}")
        assert first.locator("html").get_attribute("lang") == "es"
        other = browser.new_context(extra_http_headers={"Accept-Language": "ar"}).new_page()
        other.goto(f"{base}/login")
        assert other.locator("html").get_attribute("lang") == "ar"
        log_in(other, base, "de-cyber.analyst", "/")
        assert other.locator("html").get_attribute("lang") == "es"
        assert other.locator("header nav a[href='/cases']").inner_text() == "Casos"
        browser.close()
