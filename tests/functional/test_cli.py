"""The `cyberfusion` command end to end, in-process, against a temporary SQLite data folder."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from cli_support import Cli, cli_in, ok

PASSWORD = "correct horse battery staple"
FR_ONLY = {"tlp": "amber", "release": ["country:FR"], "hit_policy": "hit"}
C2 = "185.220.101.42"

CASE = {
    "title": "LockPick ransomware against a hospital in Lyon",
    "crime_type": "ransomware",
    "summary": "Encrypted the patient records; ransom note points to a Tor site.",
    "countries": ["FR"],
    "first_seen": "2026-01-10",
    "last_seen": "2026-01-12",
    "victims": {"count": 1, "sectors": ["health"]},
    "handling": FR_ONLY,
    "observables": [
        {"type": "ipv4", "value": C2, "role": "c2"},
        {"type": "domain", "value": "lockpick-support[.]net", "role": "ransom_portal"},
    ],
}

@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run `cyberfusion --data-dir tmp_path ARGS…` and return the result."""
    return cli_in(tmp_path, monkeypatch)


@pytest.fixture
def network(cli: Cli) -> Cli:
    """A hub, France (NCB and unit) and Germany, each with an analyst."""
    ok(cli("init"))
    ok(cli("org", "add", "hub", "Cyber Fusion Desk", "--kind", "hub"))
    ok(cli("org", "add", "fr.ncb", "NCB Paris", "--kind", "ncb", "--country", "FR",
           "--region", "europe", "--timezone", "Europe/Paris"))
    ok(cli("org", "add", "fr.unit", "OFAC", "--kind", "unit", "--country", "fr",
           "--region", "europe", "--parent", "fr.ncb"))
    ok(cli("org", "add", "de.ncb", "NCB Wiesbaden", "--kind", "ncb", "--country", "DE",
           "--region", "europe"))
    for username, org in (("hub.analyst", "hub"), ("fr.analyst", "fr.unit"),
                          ("de.analyst", "de.ncb")):
        ok(cli("user", "add", username, "--org", org, "--role", "analyst", "--role", "reader",
               "--password-stdin", stdin=PASSWORD + "\n"))
    return cli


def write_case(path: Path, doc: object) -> str:
    """Write a case document and return its path as a string."""
    path.write_text(json.dumps(doc, indent=2))
    return str(path)


def test_init_reports_the_database(cli: Cli, tmp_path: Path) -> None:
    result = ok(cli("init"))
    assert "cyberfusion.db" in result.stdout
    assert (tmp_path / "cyberfusion.db").exists()
    ok(cli("init"))  # again: nothing to do, still fine


def test_help_lists_the_commands(cli: Cli) -> None:
    result = ok(cli("--help"))
    for command in ("init", "serve", "demo", "audit", "org", "user", "token", "case",
                    "search"):
        assert command in result.stdout


def test_org_and_user_lists(network: Cli) -> None:
    orgs = ok(network("org", "list")).stdout
    assert "fr.unit" in orgs and "OFAC" in orgs and "Europe/Paris" in orgs
    users = ok(network("user", "list", "--org", "fr.unit")).stdout
    assert "fr.analyst" in users and "analyst, reader" in users
    assert "hub.analyst" not in users


def test_invalid_org_reports_located_issues(network: Cli) -> None:
    result = network("org", "add", "fr.other", "Other", "--kind", "unit", "--country", "FR")
    assert result.exit_code == 2
    assert "error: the organisation is not valid" in result.stderr
    assert "parent_id: a unit belongs to its country's NCB" in result.stderr
    assert "Traceback" not in result.output


def test_duplicate_user_is_a_conflict(network: Cli) -> None:
    result = network("user", "add", "fr.analyst", "--org", "fr.unit", "--role", "reader",
                     "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 1
    assert "error: user 'fr.analyst' exists already" in result.stderr


def test_short_password_is_refused(network: Cli) -> None:
    result = network("user", "add", "fr.reader", "--org", "fr.unit", "--role", "reader",
                     "--password-stdin", stdin="short\n")
    assert result.exit_code == 2
    assert "password: use at least 12 characters" in result.stderr


def test_token_create_list_revoke(network: Cli) -> None:
    created = ok(network("token", "create", "--as", "fr.analyst", "--name", "misp sync",
                         "--scope", "read", "--scope", "write", "--days", "30"))
    secret = created.stdout.strip()
    assert secret.startswith("cf_") and len(secret) > 20
    assert "not shown again" in created.stderr
    listed = ok(network("token", "list", "--as", "fr.analyst")).stdout
    assert "misp sync" in listed and "active" in listed and secret not in listed
    ok(network("token", "revoke", "1", "--as", "fr.analyst"))
    assert "revoked" in ok(network("token", "list", "--as", "fr.analyst")).stdout
    someone_elses = network("token", "revoke", "1", "--as", "de.analyst")
    assert someone_elses.exit_code == 1 and "error: no token 1 of yours" in someone_elses.stderr


def test_case_add_show_list(network: Cli, tmp_path: Path) -> None:
    path = write_case(tmp_path / "case.json", CASE)
    added = ok(network("case", "add", path, "--as", "fr.analyst"))
    assert "case 1 added" in added.stdout and "TLP:AMBER" in added.stdout
    shown = ok(network("case", "show", "1", "--as", "fr.analyst")).stdout
    assert CASE["title"] in shown and C2 in shown and "lockpick-support.net" in shown
    doc = json.loads(ok(network("case", "show", "1", "--as", "fr.analyst", "--json")).stdout)
    assert doc["owner"] == "fr.unit" and doc["handling"]["release"] == ["country:FR"]
    listed = ok(network("case", "list", "--as", "fr.analyst", "--crime-type", "ransomware"))
    assert CASE["title"] in listed.stdout and "showing 1-1 of 1" in listed.stdout
    page = json.loads(ok(network("case", "list", "--as", "fr.analyst", "--json")).stdout)
    assert page["total"] == 1 and page["items"][0]["id"] == 1


def test_a_withdrawn_case_is_shown_as_such_and_listed_only_on_request(
        network: Cli, tmp_path: Path) -> None:
    ok(network("case", "add", write_case(tmp_path / "case.json", CASE), "--as", "fr.analyst"))
    assert "case 1 withdrawn" in ok(network("case", "revoke", "1", "--as", "fr.analyst",
                                            "--reason", "sent in error")).stdout
    assert network("case", "revoke", "1", "--as", "de.analyst").exit_code == 1
    shown = ok(network("case", "show", "1", "--as", "fr.analyst")).stdout
    assert re.search(r"withdrawn\s+│\s+yes on \d{4}-\d\d-\d\d \d\d:\d\d UTC", shown)
    doc = json.loads(ok(network("case", "show", "1", "--as", "fr.analyst", "--json")).stdout)
    assert doc["revoked"] is True and doc["revoked_at"].startswith("20")
    assert "of 0" in ok(network("case", "list", "--as", "fr.analyst")).stdout
    every = ok(network("case", "list", "--as", "fr.analyst", "--include-revoked")).stdout
    assert "(withdrawn)" in every and "of 1" in every


def test_case_add_from_stdin(network: Cli) -> None:
    result = ok(network("case", "add", "-", "--as", "fr.analyst", stdin=json.dumps(CASE)))
    assert "case 1 added" in result.stdout


def test_case_is_hidden_outside_its_release(network: Cli, tmp_path: Path) -> None:
    ok(network("case", "add", write_case(tmp_path / "case.json", CASE), "--as", "fr.analyst"))
    shown = network("case", "show", "1", "--as", "de.analyst")
    assert shown.exit_code == 1 and "error: no case 1" in shown.stderr
    listed = ok(network("case", "list", "--as", "de.analyst")).stdout
    assert CASE["title"] not in listed and "of 0" in listed


def test_invalid_case_names_file_and_location(network: Cli, tmp_path: Path) -> None:
    bad = dict(CASE, title="", observables=[{"type": "ipv4", "value": "999.1.1.1"}])
    path = write_case(tmp_path / "bad.json", bad)
    result = network("case", "add", path, "--as", "fr.analyst")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: the case has 2 problem(s)")
    assert f"{path}: title: is required" in result.stderr
    assert f"{path}: observables[0].value: not a valid ipv4" in result.stderr
    assert "Traceback" not in result.output
    assert "of 0" in ok(network("case", "list", "--as", "fr.analyst")).stdout


def test_a_past_review_date_is_refused_with_its_location(network: Cli, tmp_path: Path) -> None:
    stale = dict(CASE, handling={**FR_ONLY, "review_by": "2020-01-01"})
    path = write_case(tmp_path / "stale.json", stale)
    result = network("case", "add", path, "--as", "fr.analyst")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.startswith("error: the review date is not in the future")
    assert f"{path}: handling.review_by: 2020-01-01 is not after today" in result.stderr
    assert "of 0" in ok(network("case", "list", "--as", "fr.analyst")).stdout


def test_malformed_json_names_line_and_column(network: Cli, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "title": "x",\n  oops\n}')
    result = network("case", "add", str(path), "--as", "fr.analyst")
    assert result.exit_code == 2
    assert f"{path}: line 3 column 3:" in result.stderr


def test_unknown_user_is_an_error(network: Cli) -> None:
    result = network("case", "list", "--as", "nobody")
    assert result.exit_code == 1
    assert "error: no active user 'nobody'" in result.stderr


def test_search_full_for_owner_hit_for_other_country(network: Cli, tmp_path: Path) -> None:
    ok(network("case", "add", write_case(tmp_path / "case.json", CASE), "--as", "fr.analyst"))
    full = ok(network("search", C2, "--as", "fr.analyst")).stdout
    assert CASE["title"] in full and "fr.unit" in full and "c2" in full
    assert "request disclosure" not in full
    hit = ok(network("search", C2, "--as", "de.analyst")).stdout
    assert re.search(r"a match is held by fr\.unit; request disclosure "
                     r"\(reference [0-9a-f]{16}\)", hit)
    # The reference is random hex and may contain "c2", so look for the role as a word.
    assert CASE["title"] not in hit and not re.search(r"\bc2\b", hit)
    answer = json.loads(ok(network("search", "lockpick-support[.]net", "--type", "domain",
                                   "--as", "de.analyst", "--json")).stdout)
    assert answer["cases"] == [] and [h["owner"] for h in answer["hits"]] == ["fr.unit"]
    none = ok(network("search", "8.8.4.4", "--as", "de.analyst")).stdout
    assert "no match for ipv4 8.8.4.4" in none


def test_search_rejects_a_bad_value(network: Cli) -> None:
    result = network("search", "999.1.1.1", "--type", "ipv4", "--as", "fr.analyst")
    assert result.exit_code == 2
    assert "value: " in result.stderr and "Traceback" not in result.output


def test_audit_verify_ok(network: Cli) -> None:
    result = ok(network("audit", "verify"))
    assert "audit trail verified: " in result.stdout
    count = int(result.stdout.split("verified: ")[1].split()[0])
    assert count >= 7  # four organisations and three users


def test_audit_verify_detects_tampering(network: Cli, tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "cyberfusion.db") as db:
        db.execute("DROP TRIGGER audit_event_no_update")
        db.execute("UPDATE audit_event SET detail='{}' WHERE seq=3")
    db.close()
    result = network("audit", "verify")
    assert result.exit_code == 1
    assert "audit trail BROKEN at event 3:" in result.stderr
    assert "verified" not in result.stdout


def test_bad_setting_is_reported(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYBERFUSION_PORT", "not-a-port")
    result = cli("init")
    assert result.exit_code == 2
    assert "CYBERFUSION_PORT:" in result.stderr


def test_user_add_prompts_for_the_password_twice(network: Cli) -> None:
    typed = f"{PASSWORD}\n{PASSWORD}\n"
    ok(network("user", "add", "fr.reader", "--org", "fr.unit", "--role", "reader", stdin=typed))
    assert "fr.reader" in ok(network("user", "list", "--org", "fr.unit")).stdout
    mismatch = network("user", "add", "fr.other", "--org", "fr.unit", "--role", "reader",
                       stdin=f"{PASSWORD}\nsomething else\n\n")
    assert mismatch.exit_code != 0
    assert "fr.other" not in ok(network("user", "list", "--org", "fr.unit")).stdout


def test_demo_seeds_once_and_prints_logins(cli: Cli) -> None:
    from cyberfusion.demo import DEMO_PASSWORD

    first = ok(cli("demo", "--no-serve", "--cases", "100", "--seed", "7"))
    assert "seeded " in first.stdout and "100 cases" in first.stdout
    assert "hub.analyst" in first.stdout and "fr.analyst" in first.stdout
    assert DEMO_PASSWORD in first.stdout
    again = ok(cli("demo", "--no-serve"))
    assert "not seeding again" in again.stdout
    listed = ok(cli("case", "list", "--as", "hub.analyst", "--json")).stdout
    assert json.loads(listed)["total"] > 0
    ok(cli("audit", "verify"))


def test_demo_refuses_too_few_cases(cli: Cli) -> None:
    result = cli("demo", "--no-serve", "--cases", "3")
    assert result.exit_code == 2 and "--cases: " in result.stderr


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "cyberfusion", "--version"],
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("cyberfusion ")
