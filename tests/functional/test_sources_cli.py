"""`cyberfusion source add|list|pull|runs|remove` against a data folder and a TAXII server
on loopback; errors are reported without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import cli_in, ok
from taxii_servers import Hostile, hostile_server, stix_object
from worlds import PASSWORD


def test_source_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli = cli_in(tmp_path, monkeypatch)
    monkeypatch.setenv("CYBERFUSION_WARNINGLISTS", "false")
    ok(cli("init"))
    ok(cli("org", "add", "fr.ncb", "NCB Paris", "--kind", "ncb", "--country", "FR"))
    for name, role in (("fr.admin", "admin"), ("fr.analyst", "analyst")):
        ok(cli("user", "add", name, "--org", "fr.ncb", "--role", role, "--password-stdin",
               stdin=PASSWORD + "\n"))
    state = Hostile([stix_object(i) for i in range(12)], page=5)
    with hostile_server(state) as url:
        refused = cli("source", "add", "feed", "--url", url, "--collection", "c1",
                      "--as", "fr.analyst")
        assert refused.exit_code != 0 and "org:source:manage" in refused.output
        ok(cli("source", "add", "feed", "--url", url, "--collection", "c1", "--tlp", "green",
               "--every", "3600", "--as", "fr.admin"))
        bad = cli("source", "add", "feed", "--url", "nowhere", "--collection", "c1",
                  "--as", "fr.admin")
        assert bad.exit_code != 0 and "api_root" in bad.output
        pulled = ok(cli("source", "pull", "feed", "--as", "fr.analyst"))
        assert "pull done: fetched 12, landed 12" in pulled.output
        wrong = cli("source", "push", "feed", "--as", "fr.analyst")
        assert wrong.exit_code != 0 and "pull source" in wrong.output
    listed = json.loads(ok(cli("source", "list", "--json", "--as", "fr.analyst")).output)
    assert listed[0]["bookmark"]["added_after"] == "2026-03-01T00:00:01.100000Z"
    assert listed[0]["runs"][0]["counts"]["landed"] == 12
    runs = ok(cli("source", "runs", "feed", "--as", "fr.analyst")).output
    assert "done" in runs and "fetched 12" in runs
    ok(cli("source", "remove", "feed", "--as", "fr.admin"))
    assert json.loads(ok(cli("source", "list", "--json", "--as", "fr.admin")).output) == []
