"""The compose form: To is a list of named tick boxes (searchable with script), a preservation
request starts urgent, and a thread's dates carry the year."""

from __future__ import annotations

import re

from channel_helpers import send
from fastapi.testclient import TestClient
from ui_support import login
from worlds import World


def test_to_is_named_tick_boxes_and_preservation_starts_urgent(client: TestClient) -> None:
    login(client, "fr-cyber.analyst")
    html = client.get("/compose", params={"type": "preservation"}).text
    assert re.search(r'<input type="checkbox" name="to" value="de-cyber" >\s*'
                     r'<span dir="auto">DE Cybercrime Unit</span>', html)
    assert "<select name=\"to\"" not in html and 'data-filter-list="to-options"' in html
    assert '<option value="urgent" selected>' in html
    message = client.get("/compose", params={"type": "message", "to": "de-cyber"}).text
    assert '<option value="routine" selected>' in message
    assert 'value="de-cyber" checked' in message


def test_thread_dates_carry_the_year(client: TestClient, world: World) -> None:
    thread = send(world.ctx, world.principals["fr-cyber"], to="de-cyber")
    login(client, "fr-cyber.analyst")
    html = client.get(f"/threads/{thread.id}").text
    assert re.search(r"acknowledge by [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}", html), html
    assert not re.search(r"(acknowledge by|delivered) \d{2}-\d{2} ", html)
    steps = re.findall(r'<span data-contacts="(\d)">\(contacts ([^)]+)\)</span>', html)
    assert ("1", "its duty officer") in steps
