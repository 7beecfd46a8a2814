"""The API and the CLI's `--json` print incidents, the wallet board and identifications in
one shape: each pair equal, and equal to the presenter applied to the service's answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import cli_in, ok
from conftest_http import bearer
from fastapi.testclient import TestClient
from incident_support import NOTE, doc
from worlds import build_world

from cyberfusion.cli.state import make_context, read_settings
from cyberfusion.domain.incidents import IncidentFilter
from cyberfusion.domain.ransomware import Clues
from cyberfusion.formats.incident_json import parse_incident
from cyberfusion.presenters import incidents as incidents_p
from cyberfusion.presenters import ransomware as ransomware_p
from cyberfusion.services import incidents, ransomware
from cyberfusion.web.app import create_app

USER, ORG = "fr-cyber.analyst", "fr-cyber"


@pytest.fixture
def both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    cli = cli_in(tmp_path, monkeypatch)
    monkeypatch.setenv("CYBERFUSION_SWEEP_INTERVAL_SECONDS", "0")
    monkeypatch.setenv("CYBERFUSION_IMPORT_WORKERS", "0")
    ok(cli("init"))
    ctx = make_context(read_settings(tmp_path, None), fast_hashing=True)
    world = build_world(ctx)
    made = incidents.report(ctx, world.principals[ORG],
                            parse_incident(doc(), ctx.now().date(), 5)).incident
    incidents.tick_step(ctx, world.principals[ORG], made.id, 1)
    with TestClient(create_app(ctx)) as api:
        yield {"ctx": ctx, "world": world, "api": api, "cli": cli, "id": made.id,
               "headers": bearer(world, ORG), "note": tmp_path / "note.txt"}
    ctx.db.dispose()


def test_incidents_print_one_shape(both: dict[str, Any]) -> None:
    ctx, me, api, cli, headers = (both["ctx"], both["world"].principals[ORG], both["api"],
                                  both["cli"], both["headers"])

    def run(*args: str) -> Any:
        return json.loads(ok(cli(*args, "--as", USER, "--json")).stdout)

    shown = api.get(f"/api/v1/incidents/{both['id']}", headers=headers).json()
    assert run("incident", "show", str(both["id"])) == shown
    assert shown == incidents_p.incident_detail_json(incidents.get_incident(ctx, me,
                                                                            both["id"]))
    listed = api.get("/api/v1/incidents", headers=headers).json()
    assert run("incident", "list") == listed == incidents_p.incident_page_json(
        incidents.list_incidents(ctx, me, IncidentFilter()))
    board = api.get("/api/v1/incidents/wallets", headers=headers).json()
    service = incidents.wallet_board(ctx, me)
    assert run("incident", "wallets") == board == incidents_p.wallet_board_json(
        service.wallets, service.families)
    both["note"].write_text(NOTE)
    found = api.post("/api/v1/ransomware/identify", headers=headers,
                     json={"note": NOTE, "note_file_name": "note.txt",
                           "extension": ".lockbit"}).json()
    assert run("ransomware", "identify", "--note", str(both["note"]), "--extension",
               ".lockbit", "--limit", "5") == found
    assert found == ransomware_p.identification_json(ransomware.identify(
        ctx, me, Clues(NOTE, "note.txt", ".lockbit"), 5))
