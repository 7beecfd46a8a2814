"""Incidents, pure: drafts, amounts, whom to ask, checklist steps, wallets across incidents;
playbooks as data; the incident JSON reader's located errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.incidents import (
    AnswerRef,
    ChecklistStep,
    IncidentDraft,
    assistance_countries,
    check_amount,
    draft_issues,
    fold_wallets,
    step_position_issue,
)
from cyberfusion.domain.model import CrimeType
from cyberfusion.errors import InvalidInput
from cyberfusion.formats.incident_json import parse_incident
from cyberfusion.formats.playbooks import known_types, playbook

H = Handling(TLP.AMBER, frozenset({"members"}), date(2030, 1, 1))


def test_amounts() -> None:
    assert check_amount("1,250,000.50") == Decimal("1250000.50")
    assert check_amount("  ") is None
    for bad in ("lots", "-1", "1e16", "NaN"):
        with pytest.raises(InvalidInput):
            check_amount(bad)


def test_draft_issues_are_located() -> None:
    draft = IncidentDraft("", CrimeType.RANSOMWARE, "fr", H, ransom_amount=Decimal(5),
                          infrastructure_countries=("DE", "Germany"), currency="")
    where = {i.location for i in draft_issues(draft)}
    assert where == {"title", "country", "infrastructure_countries[1]", "currency"}
    assert draft_issues(IncidentDraft("ok", CrimeType.DDOS, "FR", H)) == []


def test_whom_to_ask_hit_owners_and_infrastructure_countries() -> None:
    answers = [AnswerRef("v", "ipv4", 1, "de-cyber"), AnswerRef("v", "ipv4", None, "br-ncb",
                                                                "r1"),
               AnswerRef("w", "btc_wallet", None, "acme-sec", "r2")]
    found = assistance_countries(answers, {"de-cyber": "DE", "br-ncb": "BR", "acme-sec": ""},
                                 ["nl", "DE"])
    assert found == ["BR", "DE", "NL"]


def test_a_step_is_ticked_once() -> None:
    steps = (ChecklistStep(1, "isolate"),
             ChecklistStep(2, "preserve", datetime(2026, 5, 1, tzinfo=UTC), "ana", "fr"))
    assert step_position_issue(steps, 1) is None
    assert "already ticked by ana" in (step_position_issue(steps, 2) or "")
    assert "steps 1 to 2" in (step_position_issue(steps, 3) or "")


def test_wallets_and_families_fold_across_incidents() -> None:
    rows = [("w1", "BTC", "LockBit", "FR", 1), ("w1", "BTC", "lockbit", "DE", 2),
            ("w2", "", "", "BR", 3), ("", "", "Conti", "BR", 4)]
    wallets, families = fold_wallets(rows)
    assert [(w.wallet, w.countries, w.incident_ids) for w in wallets] == [
        ("w1", ("DE", "FR"), (1, 2)), ("w2", ("BR",), (3,))]
    assert wallets[0].families == ("LockBit", "lockbit") and wallets[1].families == ()
    assert [(f.family, f.countries, f.wallets, f.incident_ids) for f in families] == [
        ("LockBit", ("DE", "FR"), ("w1",), (1, 2)), ("Conti", ("BR",), (), (4,))]


def test_every_type_has_a_playbook_and_ransomware_the_one_asked_for() -> None:
    assert {"ransomware", "ddos", "bec", "data_theft"} <= set(known_types())
    assert set(known_types()) <= {t.value for t in CrimeType}
    for kind in CrimeType:
        assert len(playbook(kind).steps) >= 5
    text = " ".join(playbook(CrimeType.RANSOMWARE).steps).lower()
    for words in ("isolate", "preserve evidence", "identify the ransomware family",
                  "no more ransom", "wallets", "data-protection authority"):
        assert words in text
    assert playbook(CrimeType.CSAM).type == "default"


def test_the_json_reader_locates_every_problem() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_incident({"title": 3, "type": "volcano", "country": "FR", "ransom_amount": True,
                        "timeline": [{"at": "2026-05-01T10:00Z"}, "x"],
                        "observables": [{"type": "teapot", "value": "1"}],
                        "handling": {"tlp": "purple"}}, date(2026, 5, 1), 5)
    where = {i.location for i in exc.value.issues}
    assert where >= {"title", "type", "ransom_amount", "timeline[0].text", "timeline[1]",
                     "observables[0].type", "handling.tlp"}
    with pytest.raises(InvalidInput):
        parse_incident([], date(2026, 5, 1), 5)


def test_the_json_reader_normalises() -> None:
    draft = parse_incident({
        "title": "x", "type": "ransomware", "country": "fr", "currency": "usd",
        "ransom_amount": 250000, "timeline": [{"at": "2026-05-02T10:00Z", "text": "b"},
                                              {"at": "2026-05-01T10:00", "text": "a"}],
        "observables": [{"type": "domain", "value": "Evil[.]Example"},
                        {"type": "domain", "value": "evil.example", "role": "twice"}]},
        date(2026, 5, 1), 5)
    assert draft.country == "FR" and draft.currency == "USD"
    assert draft.ransom_amount == Decimal(250000)
    assert [t.text for t in draft.timeline] == ["a", "b"]
    assert [o.value for o in draft.observables] == ["evil.example"]
    assert draft.handling.release == frozenset({"members"})
