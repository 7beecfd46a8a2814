"""Issue 12's acceptance, through the CLI: real ATT&CK, STIX and MISP files imported with
`--tlp clear` export as one valid STIX 2.1 bundle that keeps their ids, and our JSON lines
import again with the same cases, observables and entities."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import stix2
from conftest import make_context
from ext_data import EXT, attack_ics, every_file
from sqlalchemy import text
from stix2validator import ValidationOptions, validate_parsed_json
from typer.testing import CliRunner, Result
from worlds import World, build_world

from cyberfusion.cli.main import app as cli_app
from cyberfusion.domain.knowledge import EntityFilter, EntityKind
from cyberfusion.services import knowledge
from cyberfusion.services.context import Context

ENV = {"CYBERFUSION_WARNINGLISTS": "0", "CYBERFUSION_FAST_HASHING": "1"}


def cli(ctx: Context, *args: str) -> Result:
    settings = ctx.settings
    result = CliRunner().invoke(cli_app, ["--data-dir", str(settings.data_dir),
                                          "--database-url", settings.database_url, *args],
                                env=ENV)
    assert result.exit_code == 0, result.output
    return result


def export(ctx: Context, fmt: str, out: Path, user: str = "de-cyber.analyst") -> Path:
    cli(ctx, "export", "--as", user, "--format", fmt, "--output", str(out))
    return out


def source_ids(paths: list[Path]) -> set[str]:
    ids: set[str] = set()
    for path in paths:
        doc = json.loads(path.read_bytes())
        objects = doc if isinstance(doc, list) else doc.get("objects", [doc])
        ids |= {o["id"] for o in objects if isinstance(o, dict) and isinstance(o.get("id"), str)
                and "--" in o["id"] and isinstance(o.get("type"), str)}
    return ids


def validation_errors(bundle: dict[str, Any]) -> list[str]:
    result = validate_parsed_json(bundle, ValidationOptions())
    return [str(e) for e in result.errors]


def counts(ctx: Context) -> dict[str, int]:
    with ctx.db.engine.connect() as conn:
        return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() or 0)
                for t in ("intel_case", "observable", "occurrence", "entity")}


def test_ics_attack_exports_its_ids_as_valid_stix21(world: World, tmp_path: Path) -> None:
    cli(world.ctx, "import", str(attack_ics()), "--as", "fr-cyber.analyst", "--tlp", "clear")
    bundle = json.loads(export(world.ctx, "stix21", tmp_path / "ics.json").read_bytes())
    exported = {o["id"] for o in bundle["objects"]}
    wanted = source_ids([attack_ics()])
    assert len(wanted) == 1826
    assert len(wanted & exported) >= 0.99 * len(wanted)
    assert validation_errors(bundle) == []
    kinds = Counter(o["type"] for o in bundle["objects"])
    assert kinds["attack-pattern"] >= 95 and kinds["relationship"] >= 1300
    assert kinds["x-mitre-tactic"] == 12  # custom objects travel too


@pytest.fixture
def imported(world: World) -> World:
    """The world after importing every STIX and MISP file of the set as TLP:CLEAR."""
    files = [str(p) for p in every_file()]
    result = cli(world.ctx, "import", *files, "--as", "fr-cyber.analyst", "--tlp", "clear")
    assert result.output.count(" done ") >= len(files), result.output
    return world


def test_every_file_exports_as_one_valid_bundle(imported: World, tmp_path: Path) -> None:
    bundle = json.loads(export(imported.ctx, "stix21", tmp_path / "all.json").read_bytes())
    assert validation_errors(bundle) == []
    for obj in bundle["objects"]:
        stix2.parse(obj, allow_custom=True)
    exported = {o["id"] for o in bundle["objects"]}
    wanted = source_ids(every_file())
    assert len(wanted & exported) >= 0.99 * len(wanted)
    assert not [o for o in bundle["objects"] if "Event" in o or "Attribute" in o]


def test_json_lines_import_again_without_loss(imported: World, tmp_path: Path) -> None:
    # the owner exports everything (some MISP parts are "your organisation only")
    lines = export(imported.ctx, "jsonl", tmp_path / "all.jsonl", "fr-cyber.analyst")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = make_context(f"sqlite:///{elsewhere / 'other.db'}", elsewhere)
    try:
        build_world(other)
        result = cli(other, "import", str(lines), "--as", "de-cyber.analyst")
        assert "jsonl" in result.output and " done " in result.output
        assert counts(other) == counts(imported.ctx)
    finally:
        other.db.dispose()


APT1 = EXT / "cti-documentation" / "examples" / "example_json" / "apt1.json"
EDITED = ("Byzantine Candor", "PLA Unit 61398")


def apt1_row(world: World, org: str) -> tuple[int, knowledge.EntityDetail]:
    """The org's own row of the APT1 intrusion set, and the entity page it is on."""
    principal = world.principals[org]
    [found] = knowledge.list_entities(world.ctx, principal, EntityFilter(
        text="APT1", kind=EntityKind.INTRUSION_SET)).items
    detail = knowledge.entity_detail(world.ctx, principal, found.id)
    assert detail.own_row is not None
    return detail.own_row.id, detail


def test_json_lines_keep_analysts_edits_and_case_links(world: World, tmp_path: Path) -> None:
    cli(world.ctx, "import", str(APT1), "--as", "fr-cyber.analyst", "--tlp", "clear")
    analyst = world.principals["fr-cyber"]
    row_id, detail = apt1_row(world, "fr-cyber")
    [case] = detail.cases
    knowledge.edit_entity(world.ctx, analyst, row_id, aliases=list(EDITED))
    knowledge.link_case(world.ctx, analyst, row_id, case.case_id, "attributed-to")
    lines = export(world.ctx, "jsonl", tmp_path / "apt1.jsonl", "fr-cyber.analyst")
    kinds = Counter(json.loads(line)["kind"] for line in lines.read_text().splitlines())
    assert kinds["entity"] == 1 and kinds["link"] >= 2  # the edit; the report's and ours
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = make_context(f"sqlite:///{elsewhere / 'other.db'}", elsewhere)
    try:
        there = build_world(other)
        cli(other, "import", str(lines), "--as", "de-cyber.analyst")
        landed_id, landed = apt1_row(there, "de-cyber")
        assert landed.own_row is not None and landed.own_row.aliases == EDITED
        [landed_case] = landed.cases
        assert landed_case.title == case.title
        assert case_links(other, landed_id) == [(landed_case.case_id, "attributed-to"),
                                                (landed_case.case_id, "related-to")]
        before = {**counts(other), "links": links(other)}
        cli(other, "import", str(lines), "--as", "de-cyber.analyst")
        assert {**counts(other), "links": links(other)} == before  # nothing added again
    finally:
        other.db.dispose()


def test_misp_events_carry_their_linked_entities_as_galaxy_tags(
        world: World, tmp_path: Path) -> None:
    cli(world.ctx, "import", str(APT1), "--as", "fr-cyber.analyst", "--tlp", "clear")
    _, detail = apt1_row(world, "fr-cyber")
    [case] = detail.cases
    out = export(world.ctx, "misp", tmp_path / "apt1-misp.json", "fr-cyber.analyst")
    doc = json.loads(out.read_bytes())
    [event] = [e.get("Event", e) for e in doc.get("response", [doc])]
    assert 'misp-galaxy:threat-actor="APT1"' in {t["name"] for t in event["Tag"]}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = make_context(f"sqlite:///{elsewhere / 'other.db'}", elsewhere)
    try:
        there = build_world(other)
        cli(other, "import", str(out), "--as", "de-cyber.analyst")
        [found] = knowledge.list_entities(other, there.principals["de-cyber"], EntityFilter(
            text="APT1", kind=EntityKind.THREAT_ACTOR)).items
        landed = knowledge.entity_detail(other, there.principals["de-cyber"], found.id)
        assert [c.title for c in landed.cases] == [case.title]
    finally:
        other.db.dispose()


def case_links(ctx: Context, entity_id: int) -> list[tuple[int, str]]:
    """(case, type) of the relationships from a case to the entity row."""
    with ctx.db.engine.connect() as conn:
        rows = conn.execute(text("SELECT source_case_id, type FROM relationship WHERE "
                                 "target_entity_id = :e AND source_case_id IS NOT NULL"),
                            {"e": entity_id})
        return sorted((int(case), str(kind)) for case, kind in rows)


def links(ctx: Context) -> int:
    with ctx.db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM relationship")).scalar() or 0)


SMALL = [EXT / "misp-stix" / "tests" / "test_events_collection_1.json",
         EXT / "pymisp" / "tests" / "reportlab_testfiles" / "sighting_2.json",
         EXT / "cti-documentation" / "examples" / "example_json" / "apt1.json",
         EXT / "misp-stix" / "tests" / "test_event2_stix20.json"]


@pytest.mark.parametrize(("fmt", "kept"), [
    ("jsonl", ("intel_case", "observable", "occurrence", "entity")),
    ("stix21", ("intel_case", "observable", "occurrence")),
    ("misp", ("intel_case", "observable", "occurrence")),
    ("csv", ("observable",)),
])
def test_each_export_format_imports_again(world: World, tmp_path: Path, fmt: str,
                                          kept: tuple[str, ...]) -> None:
    cli(world.ctx, "import", *map(str, SMALL), "--as", "fr-cyber.analyst", "--tlp", "clear")
    out = export(world.ctx, fmt, tmp_path / f"out.{fmt}", "fr-cyber.analyst")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = make_context(f"sqlite:///{elsewhere / 'other.db'}", elsewhere)
    try:
        build_world(other)
        cli(other, "import", str(out), "--as", "de-cyber.analyst", "--tlp", "clear")
        before, after = counts(world.ctx), counts(other)
        assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
    finally:
        other.db.dispose()
