"""`cyberfusion send`, `inbox`, `ack`, `duty`, `rota load` and `sweep` end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from channel_helpers import ART29, duty_directory
from cli_support import Cli, cli_in

PASSWORD = "correct horse battery staple"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    invoke = cli_in(tmp_path, monkeypatch)
    for args in (("init",), ("org", "add", "hub", "Hub", "--kind", "hub"),
                 ("org", "add", "fr-ncb", "NCB Paris", "--kind", "ncb", "--country", "FR",
                  "--timezone", "Europe/Paris"),
                 ("org", "add", "de-ncb", "NCB Wiesbaden", "--kind", "ncb", "--country", "DE",
                  "--timezone", "Europe/Berlin")):
        assert invoke(*args).exit_code == 0
    for user, org in (("fr.duty", "fr-ncb"), ("de.duty", "de-ncb")):
        result = invoke("user", "add", user, "--org", org, "--role", "duty_officer",
                        "--password-stdin", stdin=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    return invoke


def test_send_inbox_ack_duty_from_the_terminal(cli: Cli, tmp_path: Path) -> None:
    run = cli
    fields = [f"--field={k}={v}" for k, v in ART29.items() if k != "authority"]
    refused = run("send", "--as", "fr.duty", "--to", "de-ncb", "--type", "preservation",
                  "--priority", "flash", "--subject", "Preserve", *fields)
    assert refused.exit_code == 2 and "fields.authority" in refused.output
    attachment = tmp_path / "ransom-note.txt"
    attachment.write_text("pay 2 BTC")
    sent = run("send", "--as", "fr.duty", "--to", "de-ncb", "--type", "preservation",
               "--priority", "flash", "--subject", "Preserve the mailbox",
               f"--field=authority={ART29['authority']}", *fields, "--attach",
               str(attachment), "--json")
    assert sent.exit_code == 0, sent.output
    thread_id = json.loads(sent.output)["id"]
    inbox = run("inbox", "--as", "de.duty")
    assert "Preserve the mailbox" in inbox.output and "delivered" in inbox.output
    acked = run("ack", str(thread_id), "--as", "de.duty", "--note", "preserving")
    assert acked.exit_code == 0 and "acknowledged" in acked.output
    shown = run("thread", str(thread_id), "--as", "de.duty")
    assert shown.exit_code == 0, shown.output
    assert "Preserve the mailbox" in shown.output and "acknowledged" in shown.output
    assert "preserving" in shown.output  # the ack's note, and both signatures verified:
    assert len(re.findall(r"\bok\b", shown.output)) == 2
    listed = json.loads(run("inbox", "--as", "fr.duty", "--box", "out", "--json").output)
    assert listed["items"][0]["status"] == "acknowledged"
    rota = tmp_path / "rota.json"
    rota.write_text(json.dumps(duty_directory("de-ncb")))
    loaded = run("rota", "load", str(rota), "--org", "de-ncb")
    assert loaded.exit_code == 0, loaded.output
    duty = run("duty", "DE")
    assert "de-ncb officer" in duty.output and "Europe/Berlin" in duty.output
    swept = run("sweep")
    assert swept.exit_code == 0 and swept.output.startswith("escalated 0")


def test_rota_errors_are_located(cli: Cli, tmp_path: Path) -> None:
    run = cli
    rota = tmp_path / "rota.json"
    rota.write_text(json.dumps({"contacts": [{"ref": "a", "name": "A"}],
                                "shifts": [{"contact": "a", "days": ["funday"]}]}))
    result = run("rota", "load", str(rota), "--org", "de-ncb")
    assert result.exit_code == 2
    assert "contacts[0]" in result.output and "shifts[0].days" in result.output
