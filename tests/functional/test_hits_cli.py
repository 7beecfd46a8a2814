"""`cyberfusion lookup`, `hits`, `disclosure` and `network` end to end, in-process, on SQLite."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from cli_support import Cli, cli_in, ok

PASSWORD = "correct horse battery staple"
C2 = "185.220.101.42"


def case(title: str, release: list[str]) -> dict[str, object]:
    return {"title": title, "crime_type": "ransomware", "countries": ["FR"],
            "handling": {"tlp": "amber", "release": release, "hit_policy": "hit"},
            "observables": [{"type": "ipv4", "value": C2, "role": "c2"},
                            {"type": "btc_wallet",
                             "value": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}]}


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """A data folder with a hub, France and Germany, each with an analyst and two cases."""
    invoke = cli_in(tmp_path, monkeypatch)
    ok(invoke("init"))
    ok(invoke("org", "add", "hub", "Hub", "--kind", "hub"))
    ok(invoke("org", "add", "fr.ncb", "NCB Paris", "--kind", "ncb", "--country", "FR"))
    ok(invoke("org", "add", "fr.unit", "OFAC", "--kind", "unit", "--country", "FR",
              "--parent", "fr.ncb"))
    ok(invoke("org", "add", "de.ncb", "NCB Wiesbaden", "--kind", "ncb", "--country", "DE"))
    for username, org in (("fr.analyst", "fr.unit"), ("de.analyst", "de.ncb")):
        ok(invoke("user", "add", username, "--org", org, "--role", "analyst",
                  "--password-stdin", stdin=PASSWORD + "\n"))
    for name, doc in (("fr1", case("Lyon hospital", ["country:FR"])),
                      ("fr2", case("Lille clinic", ["members"]))):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(doc))
        ok(invoke("case", "add", str(path), "--as", "fr.analyst"))
    return invoke


def test_lookup_a_file_then_request_and_get_disclosure(cli: Cli, tmp_path: Path) -> None:
    values = tmp_path / "iocs.txt"
    values.write_text(f"# from a partner\n{C2}\nipv4,203.0.113.9\nnot a value\n")
    out = ok(cli("lookup", str(values), "--as", "de.analyst")).stdout
    assert "3 values, 1 with an answer, 1 not valid" in out
    ndjson = ok(cli("lookup", str(values), "--as", "de.analyst", "--json")).stdout
    answers = [json.loads(line) for line in ndjson.splitlines()]
    assert [len(a["cases"]) for a in answers] == [1, 0, 0]
    ref = answers[0]["hits"][0]["reference"]
    assert "fr.unit" in ok(cli("hits", "list", "--as", "de.analyst")).stdout
    assert ref in ok(cli("hits", "show", ref, "--as", "de.analyst")).stdout
    made = ok(cli("disclosure", "request", ref, "--as", "de.analyst", "--reason", "same C2"))
    request_id = re.search(r"request (\w+) sent", made.stdout).group(1)  # type: ignore[union-attr]
    assert request_id in ok(cli("disclosure", "list", "--as", "fr.analyst")).stdout
    assert "disclosure.requested" in ok(cli("hits", "inbox", "--as", "fr.analyst")).stdout
    ok(cli("disclosure", "approve", request_id, "--as", "fr.analyst", "--reason", "ok",
           "--days", "7"))
    shown = ok(cli("disclosure", "show", request_id, "--as", "de.analyst")).stdout
    assert "Lyon hospital" in shown and "approved" in shown
    declined = cli("disclosure", "decline", request_id, "--as", "fr.analyst", "--reason", "x")
    assert declined.exit_code == 1 and "already approved" in declined.stderr


def test_network_recompute_list_show_export(cli: Cli, tmp_path: Path) -> None:
    assert "full run over 2 cases: 1 networks" in ok(cli("network", "recompute")).stdout
    assert "nothing changed" in ok(cli("network", "recompute")).stdout
    listed = json.loads(ok(cli("network", "list", "--as", "de.analyst", "--json")).stdout)
    [item] = listed["items"]
    assert (item["cases"], item["more_held_by_others"]) == (1, 1)
    shown = ok(cli("network", "show", item["ref"], "--as", "fr.analyst")).stdout
    assert "Lyon hospital" in shown and "Lille clinic" in shown
    # The C2 address is a Tor exit on a warning list: kept, shown, but it links nothing.
    assert re.search(rf"{re.escape(C2)} .*on warning lists", shown)
    target = tmp_path / "net.graphml"
    ok(cli("network", "export", item["ref"], "--as", "fr.analyst", "--format", "graphml",
           "--output", str(target)))
    assert sorted(nx.read_graphml(target).nodes) == ["case-1", "case-2"]
    stix = json.loads(ok(cli("network", "export", item["ref"], "--as", "fr.analyst")).stdout)
    assert any(o["type"] == "grouping" for o in stix["objects"])
    [theirs] = json.loads(ok(cli("network", "list", "--as", "fr.analyst", "--json")).stdout)[
        "items"]
    assert theirs["ref"].startswith("n1-") and item["ref"].startswith("n2-")
    refused = cli("network", "show", theirs["ref"], "--as", "de.analyst")
    assert refused.exit_code == 1 and "no network" in refused.stderr
    ok(cli("network", "recompute", "--max-cases", "1"))
    assert json.loads(ok(cli("network", "list", "--as", "fr.analyst", "--json")).stdout)[
        "total"] == 0
