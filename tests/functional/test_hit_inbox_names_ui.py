"""The hit inbox names organisations, fills Who, Value and Case on disclosure rows, and
folds identical notices into one line."""

from __future__ import annotations

import re

from conftest import NOW
from fastapi.testclient import TestClient
from ui_support import login
from worlds import World, case_doc

from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, disclosure, hits


def test_inbox_rows_name_who_value_and_case(client: TestClient, world: World) -> None:
    hidden = cases.create_case(world.ctx, world.principals["fr-cyber"], parse_case(
        case_doc("Hidden French case", release=["country:FR"]), NOW.date(), 5)).id
    for _ in range(2):  # the same submission twice: the same notices twice
        cases.create_case(world.ctx, world.principals["de-cyber"], parse_case(
            {**case_doc("German copy"), "observables": case_doc()["observables"][:1]},
            NOW.date(), 5))
    ref = hits.outgoing(world.ctx, world.principals["de-cyber"])[0].id
    disclosure.request_disclosure(world.ctx, world.principals["de-cyber"], ref, "our case 7")
    login(client, "fr-cyber.analyst")
    html = client.get("/hits").text
    rows = re.findall(r'<tr data-notice="\d+" data-kind="([^"]+)" data-times="(\d+)"', html)
    assert ("hit", "2") in rows and len([r for r in rows if r[0] == "hit"]) == 1
    asked = html.split('data-kind="disclosure.requested"')[1].split("</tr>")[0]
    assert 'data-who="de-cyber">DE Cybercrime Unit<' in asked
    assert "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq" in asked
    assert f'href="/cases/{hidden}"' in asked
    hit_row = html.split('data-kind="hit"')[1].split("</tr>")[0]
    assert ">DE Cybercrime Unit<" in hit_row and ">de-cyber<" not in hit_row
    login(client, "de-cyber.analyst")
    sent = client.get("/hits?tab=sent").text
    assert "A match is held by <strong>FR Cybercrime Unit</strong>" in sent
    mine = client.get("/hits").text
    made = mine.split('data-kind="disclosure.', 1)
    if len(made) > 1:  # the requester's own notices name the owner, never its hidden case
        assert f'href="/cases/{hidden}"' not in made[1].split("</tr>")[0]
    assert "Hidden French case" not in mine + sent
