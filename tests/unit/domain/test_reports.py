"""The pure parts of cyber activity reports: spec checks, infrastructure countries, the
recipient's copy, and the STIX bundle's determinism."""

from __future__ import annotations

from datetime import date

import pytest

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.reports import (
    Annex,
    Content,
    Indicator,
    KeyFigures,
    ReportSpec,
    Scope,
    check_spec,
    empty_reason,
    infrastructure_country,
)
from cyberfusion.errors import InvalidInput
from cyberfusion.formats import report_doc, report_stix

CRIMES = frozenset({"ransomware", "bec"})


def spec(**changes: object) -> ReportSpec:
    base = {"title": " Europe ", "scope": Scope(date(2026, 1, 1), date(2026, 6, 30),
                                                 regions=("Europe",), countries=("fr", "DE")),
            "recipients": ("fr-ncb", "de-ncb", "fr-ncb"), "as_of": date(2026, 7, 1)}
    return ReportSpec(**{**base, **changes})  # type: ignore[arg-type]


def test_a_spec_is_normalised_and_its_problems_located() -> None:
    good = check_spec(spec(), CRIMES)
    assert good.title == "Europe" and good.recipients == ("de-ncb", "fr-ncb")
    assert good.scope.countries == ("DE", "FR") and good.scope.regions == ("europe",)
    bad = spec(title="", recipients=(), scope=Scope(date(2026, 6, 1), date(2026, 1, 1),
                                                    regions=("atlantis",), countries=("FRA",),
                                                    crime_types=("piracy",)))
    with pytest.raises(InvalidInput) as raised:
        check_spec(bad, CRIMES)
    assert [i.location for i in raised.value.issues] == [
        "title", "scope.to", "scope.regions", "scope.countries", "scope.crime_types",
        "recipients"]


@pytest.mark.parametrize(("obs_type", "value", "country"), [
    ("iban", "DE89370400440532013000", "DE"), ("domain", "evil.fr", "FR"),
    ("domain", "evil.co.uk", "GB"), ("url", "https://pay.example.nl:8443/x", "NL"),
    ("email", "boss@firma.pl", "PL"), ("domain", "evil.com", ""), ("ipv4", "1.2.3.4", ""),
])
def test_infrastructure_country(obs_type: str, value: str, country: str) -> None:
    assert infrastructure_country(obs_type, value) == country


def test_empty_reports_say_why() -> None:
    assert empty_reason(3, 2) == ""
    assert "withheld" in empty_reason(0, 2)
    assert empty_reason(0, 0).startswith("No data matches")


def content() -> Content:
    indicator = Indicator("domain", "evil.fr", "C2", 2, "FR")
    return Content(check_spec(spec(), CRIMES), TLP.AMBER, KeyFigures(2, 3, 1, 1, 0, 1),
                   indicators=(indicator,), annexes=(Annex("DE", (), ()),
                                                      Annex("FR", (), (indicator,))),
                   case_refs=(("fr-cyber", 7),),
                   recipient_countries={"fr-ncb": "FR", "de-ncb": "DE"})


def test_each_recipient_gets_only_its_own_annex() -> None:
    doc = report_doc.document(content(), 4)
    assert [a["country"] for a in doc["annexes"]] == ["DE", "FR"]
    copy = report_doc.for_recipient(doc, "fr-ncb")
    assert [a["country"] for a in copy["annexes"]] == ["FR"] and copy["audience"] == "fr-ncb"
    assert report_doc.for_recipient(doc, "nobody")["annexes"] == []
    scoped = {**doc, "scope": {**doc["scope"], "network": "n41-0123456789"}}
    assert "n41" not in str(report_doc.for_recipient(scoped, "fr-ncb"))
    assert report_doc.loads(report_doc.dumps(doc)) == doc


def test_the_bundle_is_the_same_bytes_and_its_report_refers_to_the_cases() -> None:
    doc = report_doc.document(content(), 4)
    first = report_stix.dumps(report_stix.bundle(doc, "hub", {"hub": "Hub"}))
    assert first == report_stix.dumps(report_stix.bundle(doc, "hub", {"hub": "Hub"}))
    bundle = report_stix.bundle(doc, "hub", {})
    [report] = [o for o in bundle["objects"] if o["type"] == "report"]
    assert report["created"] == "2026-07-01T00:00:00.000Z"
    assert any(r.startswith("indicator--") for r in report["object_refs"])
    assert sum(r.startswith("report--") for r in report["object_refs"]) == 1
    other = report_stix.bundle(report_doc.for_recipient(doc, "fr-ncb"), "hub", {})
    assert other["id"] != bundle["id"]
