"""The main menu marks the page's own entry with aria-current: which entry a path belongs to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cyberfusion.web.ui import render
from cyberfusion.web.ui.render import MENU, menu_entry


@pytest.mark.parametrize(("path", "entry"), [
    ("/", "/"),
    ("/cases", "/cases"),
    ("/cases/57", "/cases"),
    ("/cases/new", "/cases"),
    ("/threads/3", "/inbox"),
    ("/compose", "/inbox"),
    ("/observable", "/search"),
    ("/disclosures/4", "/hits"),
    ("/ransomware", "/incidents"),
    ("/incidents/wallets", "/incidents"),
    ("/settings/notifications", "/settings/notifications"),
    ("/settings/webhooks", "/settings/notifications"),
    ("/hub/bulletins/2", "/hub/bulletins"),
    ("/bulletins/2", "/bulletins"),
    ("/casesx", ""),
    ("/logout", ""),
])
def test_a_path_belongs_to_one_menu_entry(path: str, entry: str) -> None:
    assert menu_entry(path) == entry


def test_every_menu_entry_is_its_own_entry() -> None:
    assert all(menu_entry(href) == href for href in MENU)


def test_the_menu_in_base_html_is_the_menu_render_knows() -> None:
    base = Path(render.__file__).parent / "templates" / "base.html"
    links = set(re.findall(r'nav_link\("([^"]+)"', base.read_text(encoding="utf-8")))
    assert links == {*MENU, "/"}
