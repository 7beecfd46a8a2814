"""Cyber activity reports on a small demo world (seed 2026, SQLite, seeded once): a report for
Europe names the planted ransomware network, its family and countries; its techniques and
the courses of action that mitigate them; the same inputs give the same STIX and JSON bytes;
the STIX bundle validates; the PDF has non-empty pages and a chart with plotted data."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from stix2validator import ValidationOptions, validate_string

from cyberfusion.config import Settings
from cyberfusion.demo import generate_world
from cyberfusion.demo.networks import RANSOMWARE, RANSOMWARE_FAMILY
from cyberfusion.domain.handling import TLP, Handling, HitPolicy
from cyberfusion.domain.imports import ImportedEntity
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import Principal, Region
from cyberfusion.domain.reports import ReportFormat, ReportSpec, Scope
from cyberfusion.errors import InvalidInput
from cyberfusion.formats import report_charts
from cyberfusion.services import auth, reports
from cyberfusion.services.context import Context, build_context
from cyberfusion.services.seed import TRUTH_FILE, seed_demo
from cyberfusion.store import schema
from cyberfusion.store.repositories.knowledge import NewRelationship

CASES = 400
TECHNIQUE = ("T1486", "Data Encrypted for Impact")
MITIGATION = ("M1053", "Data Backup", "Keep offline, tested backups of critical data.")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """The 400-case demo world with networks, and LockBit's technique and its mitigation."""
    data = tmp_path_factory.mktemp("reports")
    ctx = build_context(Settings(data_dir=data, warninglists=False, import_workers=0),
                        fast_hashing=True)
    schema.upgrade(ctx.db)
    seed_demo(ctx, generate_world(cases=CASES, today=ctx.now().date()))
    add_technique(ctx)
    yield ctx
    ctx.db.dispose()


def add_technique(ctx: Context) -> None:
    """LockBit `uses` T1486; M1053 `mitigates` T1486 (the hub's CLEAR reference data)."""
    clear = Handling(TLP.CLEAR, frozenset({"members"}), date(2031, 1, 1),
                     hit_policy=HitPolicy.VISIBLE)
    with ctx.db.write() as tx:
        hid = tx.handlings.add("hub", clear)
        _, (tech,) = tx.entities.upsert_many("hub", [(ImportedEntity(
            "attack-pattern--t1486", EntityKind.ATTACK_PATTERN, TECHNIQUE[1],
            external_id=TECHNIQUE[0]), hid)])
        _, (coa,) = tx.entities.upsert_many("hub", [(ImportedEntity(
            "course-of-action--m1053", EntityKind.COURSE_OF_ACTION, MITIGATION[1],
            description=MITIGATION[2], external_id=MITIGATION[0]), hid)])
        tx.entities.merge([tech, coa])
        family = tx.session.execute(  # the galaxy row of the planted family
            __import__("sqlalchemy").text(
                "SELECT id FROM entity WHERE name = :n AND kind = 'ransomware'"),
            {"n": RANSOMWARE_FAMILY}).scalar_one()
        tx.knowledge.upsert_relationships([
            NewRelationship("hub|uses-t1486", "uses", hid, source_entity_id=family,
                            target_entity_id=tech),
            NewRelationship("hub|m1053-t1486", "mitigates", hid, source_entity_id=coa,
                            target_entity_id=tech)], ctx.now())


def hub(ctx: Context) -> Principal:
    with ctx.db.read() as tx:
        user = tx.users.by_username("hub.analyst")
        assert user is not None
        return auth.principal_for(tx, user)


def europe(ctx: Context) -> ReportSpec:
    """Europe over the last 600 days, to the European NCBs."""
    with ctx.db.read() as tx:
        ncbs = [o.id for o in tx.orgs.all()
                if o.region is Region.EUROPE and o.kind.value == "ncb"]
    today = ctx.now().date()
    return ReportSpec("Cyber activity in Europe", Scope(today - timedelta(days=600), today,
                                                       regions=("europe",)),
                      tuple(ncbs), today, "Ransomware affiliates remain the main threat.",
                      "Report ransom payments to the national unit.")


def test_a_report_for_europe_names_the_planted_ransomware_network(seeded: Context) -> None:
    truth = set(json.loads((seeded.settings.data_dir / TRUTH_FILE).read_text())[RANSOMWARE])
    doc = reports.preview(seeded, hub(seeded), europe(seeded))
    included = {c["id"] for c in doc["cases"]}
    planted = truth & included
    assert len(planted) >= 3
    [network] = [n for n in doc["networks"] if RANSOMWARE_FAMILY in n["families"]]
    assert int(network["ref"][1:]) in planted
    assert network["crime_types"] == ["ransomware"]
    assert network["cases"] >= 0.9 * len(planted)
    with seeded.db.read() as tx:
        countries = {cc for cid in planted for cc in tx.cases.get(cid).countries}  # type: ignore[union-attr]
    assert set(network["countries"]) == countries
    europeans = {"DE", "ES", "FR", "GB", "NL", "PL"}
    assert len(countries & europeans) >= 2
    [family] = [f for f in doc["families"] if f["name"] == RANSOMWARE_FAMILY]
    assert family["kind"] == "ransomware" and family["cases"] == len(planted)
    assert family["techniques"] == [{"external_id": TECHNIQUE[0], "name": TECHNIQUE[1]}]
    assert {"text": f"{MITIGATION[1]}: {MITIGATION[2]}", "technique": TECHNIQUE[0],
            "source": "technique"} in doc["actions"]
    assert doc["actions"][0]["source"] == "analyst"
    assert doc["key_figures"]["cases"] == len(included)
    assert doc["key_figures"]["withheld"] > 0


def test_a_report_scoped_to_the_network_or_the_family_holds_only_its_cases(
        seeded: Context) -> None:
    from dataclasses import replace

    from cyberfusion.services import networks

    truth = set(json.loads((seeded.settings.data_dir / TRUTH_FILE).read_text())[RANSOMWARE])
    principal, base = hub(seeded), europe(seeded)
    items, _ = networks.list_networks(seeded, principal, 0, 50)
    [ref] = [s.ref for s in items if int(s.ref[1:].split("-")[0]) in truth]
    for scope in (replace(base.scope, network=ref), replace(base.scope, family="lockbit")):
        doc = reports.preview(seeded, principal, replace(base, scope=scope))
        included = {c["id"] for c in doc["cases"]}
        assert included and included <= truth, scope
        assert doc["scope"]["network"] == scope.network
    with pytest.raises(InvalidInput) as bad:
        reports.preview(seeded, principal, replace(base, scope=replace(base.scope,
                                                                        network="n1-0000000000")))
    assert [i.location for i in bad.value.issues] == ["scope.network"]


def test_annexes_go_only_to_their_country(seeded: Context) -> None:
    from cyberfusion.formats import report_doc

    doc = reports.preview(seeded, hub(seeded), europe(seeded))
    countries = [a["country"] for a in doc["annexes"]]
    assert countries == sorted({r["country"] for r in doc["recipients"]})
    fr = report_doc.for_recipient(doc, "fr-ncb")
    assert [a["country"] for a in fr["annexes"]] == ["FR"]
    [annex] = fr["annexes"]
    assert all("FR" in _case_countries(seeded, v["id"]) for v in annex["victims"])
    assert all(i["country"] == "FR" for i in annex["infrastructure"])


def _case_countries(ctx: Context, case_id: int) -> tuple[str, ...]:
    with ctx.db.read() as tx:
        case = tx.cases.get(case_id)
        assert case is not None
        return case.countries


def test_stix_and_json_are_byte_identical_and_the_bundle_validates(seeded: Context) -> None:
    principal, spec = hub(seeded), europe(seeded)
    first = {f: reports.build(seeded, principal, spec, f)
             for f in (ReportFormat.STIX21, ReportFormat.JSON)}
    again = {f: reports.build(seeded, principal, spec, f)
             for f in (ReportFormat.STIX21, ReportFormat.JSON)}
    assert first == again
    result = validate_string(first[ReportFormat.STIX21].decode(),
                             ValidationOptions(version="2.1"))
    errors = [str(e) for e in result.errors]
    assert errors == [] and result.is_valid
    bundle = json.loads(first[ReportFormat.STIX21])
    [report] = [o for o in bundle["objects"] if o["type"] == "report"]
    assert report["published"] == f"{spec.as_of.isoformat()}T00:00:00.000Z"
    types = {o["type"] for o in bundle["objects"]}
    assert {"malware", "attack-pattern", "course-of-action", "relationship",
            "indicator"} <= types
    assert len(report["object_refs"]) > len(json.loads(first[ReportFormat.JSON])["cases"])


@pytest.mark.skipif(shutil.which("pdftoppm") is None,
                    reason="pdftoppm (Debian's poppler-utils) is not installed; CI installs it")
def test_the_pdf_has_pages_and_a_chart_with_plotted_data(seeded: Context,
                                                         tmp_path: Path) -> None:
    principal, spec = hub(seeded), europe(seeded)
    doc = reports.preview(seeded, principal, spec)
    series = report_charts.trend_series(doc)
    assert series and sum(sum(s.y) for s in series) == doc["key_figures"]["cases"]
    pdf = reports.build(seeded, principal, spec, ReportFormat.PDF)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(tmp_path / "report.pdf"),
                    str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    for page in pages:
        image = Image.open(io.BytesIO(page.read_bytes())).convert("L")
        assert image.getextrema()[0] < 128, f"{page.name} is blank"
    raw = Image.open(pages[0]).convert("RGB").tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    plotted = sum(1 for r, g, b in pixels if b > 150 and r < 90 and g < 160)
    assert plotted > 50, "no line of the trend chart (matplotlib blue) on the first page"
