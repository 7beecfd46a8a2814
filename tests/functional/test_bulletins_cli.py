"""`cyberfusion bulletin` and `cyberfusion dashboard` end to end, in-process, on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import Cli, cli_in, ok

PASSWORD = "correct horse battery staple"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """A hub with two analysts, France with one, and the bulletin's three text files."""
    invoke = cli_in(tmp_path, monkeypatch)
    ok(invoke("init"))
    ok(invoke("org", "add", "hub", "Hub", "--kind", "hub"))
    ok(invoke("org", "add", "fr.ncb", "NCB Paris", "--kind", "ncb", "--country", "FR"))
    for username, org in (("hub.one", "hub"), ("hub.two", "hub"), ("fr.analyst", "fr.ncb")):
        ok(invoke("user", "add", username, "--org", org, "--role", "analyst",
                  "--password-stdin", stdin=PASSWORD + "\n"))
    for name, words in (("threat", "Fake invoices carry a loader."),
                        ("affected", "Accountants."),
                        ("actions", "Call the supplier back on a number you know.")):
        (tmp_path / f"{name}.txt").write_text(words)
    return invoke


def files(tmp_path: Path) -> list[str]:
    return [option for name in ("threat", "affected", "actions")
            for option in (f"--{name}", str(tmp_path / f"{name}.txt"))]


def test_create_approve_publish_by_two_hub_users(cli: Cli, tmp_path: Path) -> None:
    made = ok(cli("bulletin", "create", "--as", "hub.one", "--title", "Fake invoices",
                  *files(tmp_path), "--json"))
    number = str(json.loads(made.stdout)["id"])
    own = cli("bulletin", "approve", number, "--as", "hub.one")
    assert own.exit_code == 1 and "second hub user" in own.output
    assert "approved" in ok(cli("bulletin", "approve", number, "--as", "hub.two")).stdout
    done = json.loads(ok(cli("bulletin", "publish", number, "--as", "hub.two",
                             "--json")).stdout)
    assert (done["status"], done["approver"]["username"]) == ("published", "hub.two")
    listed = ok(cli("bulletin", "list", "--as", "hub.one", "--status", "published")).stdout
    assert "Fake invoices" in listed and "1 bulletins" in listed
    assert "Fake invoices" in ok(cli("bulletin", "show", number, "--as", "hub.two")).stdout
    refused = cli("bulletin", "list", "--as", "fr.analyst")
    assert refused.exit_code == 1


def test_personal_data_and_bad_sources_are_located(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "actions.txt").write_text("Write to help@victims.example")
    bad = cli("bulletin", "create", "--as", "hub.one", "--title", "t", *files(tmp_path),
              "--source", "report:3")
    assert bad.exit_code == 2 and "--source[0]" in bad.output
    personal = cli("bulletin", "create", "--as", "hub.one", "--title", "t", *files(tmp_path))
    assert personal.exit_code == 2
    assert "actions" in personal.output and "help@victims.example" in personal.output


def test_dashboard_json_is_the_presenter_shape(cli: Cli) -> None:
    board = json.loads(ok(cli("dashboard", "--as", "fr.analyst", "--months", "3",
                              "--json")).stdout)
    assert board["cases"] == 0 and len(board["months"]) == 3
    assert set(board) >= {"cases_by_crime_type", "cases_by_region", "hits",
                          "disclosure_response", "request_response"}
    assert "Response times" in ok(cli("dashboard", "--as", "fr.analyst")).stdout
