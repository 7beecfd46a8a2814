"""Networks read as names (the value most cases share, and countries), the graph has a
legend, and weak links come a page at a time."""

from __future__ import annotations

import re

from conftest import NOW
from fastapi.testclient import TestClient
from ui_support import login
from worlds import World, case_doc

from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, networks

WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


def planted(world: World, count: int = 8) -> None:
    """`count` cases sharing one wallet (strong) and one payment host (weak)."""
    for i in range(count):
        org = "fr-cyber" if i % 2 else "de-cyber"
        doc = {**case_doc(f"Wallet case {i}", tlp="green"),
               "countries": ["FR"] if i % 2 else ["DE"],
               "observables": [{"type": "btc_wallet", "value": WALLET, "role": "ransom"},
                               {"type": "url", "value": f"http://pay.evil-payments.com/p{i}",
                                "role": "payment page"}]}
        cases.create_case(world.ctx, world.principals[org], parse_case(doc, NOW.date(), 5))
    networks.recompute(world.ctx, full=True)


def weak_rows(html: str) -> list[str]:
    """The rows of the weak-links table."""
    table = html.split('id="weak-links"')[1].split("</table>")[0]
    return re.findall(r"<tr><td><a href=\"/cases/.*?</tr>", table)


def test_networks_have_names_a_legend_and_paged_weak_links(
    client: TestClient, world: World
) -> None:
    planted(world)
    login(client, "br-cyber.analyst")
    listing = client.get("/networks").text
    name = f"btc wallet {WALLET[:23]}\u2026 · DE, FR"
    assert f"<bdi>{name}</bdi>" in listing
    ref = re.findall(r'data-network="(n[0-9]+-[0-9a-f]+)"', listing)[0]
    page = client.get(f"/networks/{ref}").text
    assert f"<bdi>{name}</bdi>" in page and 'class="legend"' in page
    assert "swatch value wallet" in page
    first = weak_rows(page)
    total = int(re.search(r"Weak links 1\u201320 of (\d+)\.", page).group(1))  # type: ignore[union-attr]
    assert len(first) == 20 and 'data-weak-shown="1-20"' in page and total > 20
    following = client.get(f"/networks/{ref}", params={"weak": 20}).text
    second = weak_rows(following)
    assert len(second) == min(20, total - 20) and not set(first) & set(second)
    assert f'href="/networks/{ref}?weak=0#weak-links"' in following
