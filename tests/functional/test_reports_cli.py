"""`cyberfusion report build|list|show|approve|send` end to end, in-process, on SQLite."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_support import Cli, cli_in, ok

PASSWORD = "correct horse battery staple"


def case(title: str, release: list[str]) -> dict[str, object]:
    return {"title": title, "crime_type": "ransomware", "countries": ["FR"],
            "first_seen": "2026-03-02", "victims": {"count": 2, "sectors": ["health"]},
            "handling": {"tlp": "amber", "release": release},
            "observables": [{"type": "ipv4", "value": "185.220.101.42", "role": "c2"}]}


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """A hub with two analysts, France (NCB and unit) and Germany; two French cases."""
    invoke = cli_in(tmp_path, monkeypatch)
    ok(invoke("init"))
    ok(invoke("org", "add", "hub", "Hub", "--kind", "hub"))
    ok(invoke("org", "add", "fr.ncb", "NCB Paris", "--kind", "ncb", "--country", "FR",
              "--region", "europe"))
    ok(invoke("org", "add", "fr.unit", "OFAC", "--kind", "unit", "--country", "FR",
              "--region", "europe", "--parent", "fr.ncb"))
    ok(invoke("org", "add", "de.ncb", "NCB Wiesbaden", "--kind", "ncb", "--country", "DE",
              "--region", "europe"))
    for username, org in (("hub.one", "hub"), ("hub.two", "hub"), ("fr.analyst", "fr.unit"),
                          ("fr.reader", "fr.ncb")):
        ok(invoke("user", "add", username, "--org", org, "--role", "analyst",
                  "--password-stdin", stdin=PASSWORD + "\n"))
    for name, doc in (("open", case("Lille clinic", ["members"])),
                      ("closed", case("Lyon hospital", ["country:FR", "org:hub"]))):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(doc))
        ok(invoke("case", "add", str(path), "--as", "fr.analyst"))
    return invoke


def test_build_save_approve_send_and_show(cli: Cli, tmp_path: Path) -> None:
    args = ["report", "build", "--as", "hub.one", "--region", "europe", "--from", "2026-01-01",
            "--to", "2026-12-31", "--recipient", "fr.ncb", "--recipient", "de.ncb",
            "--as-of", "2026-07-01"]
    first, again = tmp_path / "one.stix.json", tmp_path / "two.stix.json"
    ok(cli(*args, "--format", "stix21", "-o", str(first)))
    ok(cli(*args, "--format", "stix21", "-o", str(again)))
    assert first.read_bytes() == again.read_bytes()
    doc = json.loads(ok(cli(*args, "--format", "json")).stdout)
    assert doc["key_figures"]["cases"] == 1 and doc["key_figures"]["withheld"] == 1
    saved = ok(cli(*args, "--format", "pdf", "-o", str(tmp_path / "r.pdf"), "--save")).stdout
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    report_id = re.search(r"draft report #(\d+)", saved).group(1)  # type: ignore[union-attr]
    refused = cli("report", "approve", report_id, "--as", "hub.one")
    assert refused.exit_code != 0 and "second hub user" in refused.output
    assert "approved" in ok(cli("report", "approve", report_id, "--as", "hub.two")).stdout
    sent = json.loads(ok(cli("report", "send", report_id, "--as", "hub.two", "--json")).stdout)
    assert {d["org_id"]: d["status"] for d in sent["deliveries"]} == {"fr.ncb": "sent",
                                                                      "de.ncb": "sent"}
    listed = json.loads(ok(cli("report", "list", "--as", "fr.reader", "--json")).stdout)
    assert [r["id"] for r in listed["items"]] == [int(report_id)]
    shown = json.loads(ok(cli("report", "show", report_id, "--as", "fr.reader", "--json")).stdout)
    assert [a["country"] for a in shown["document"]["annexes"]] == ["FR"]
    assert shown["deliveries"] == []
    assert "Lyon hospital" not in json.dumps(shown)
