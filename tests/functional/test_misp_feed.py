"""`cyberfusion export --format misp-feed`: a MISP feed folder of what the caller reads in
full, which PyMISP loads event by event and our own importer lands again case for case."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from conftest import NOW, make_context
from pymisp import MISPEvent
from typer.testing import CliRunner
from worlds import World, build_world, case_doc

from cyberfusion.cli.main import app as cli_app
from cyberfusion.domain.model import CaseFilter
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, imports
from cyberfusion.services.context import Context

XORIST = (Path(__file__).resolve().parents[1] / "fixtures" / "misp" / "pymisp"
          / "57c4445b-c548-4654-af0b-4be3950d210f.json")
WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
SUMMARY = {"info", "date", "threat_level_id", "analysis", "timestamp", "Orgc", "Tag"}


def land(ctx: Context, world: World, path: Path) -> None:
    """Import a file or feed folder as fr-cyber, released to members, and run the job."""
    job = imports.submit_path(ctx, world.principals["fr-cyber"], path, imports.ImportOptions())
    done = imports.run(ctx, job.id)
    assert done is not None and done.status == "done", done


def feed_of(world: World, user: str, folder: Path) -> Path:
    """`cyberfusion export --format misp-feed -o folder` as `user`."""
    settings = world.ctx.settings
    result = CliRunner().invoke(cli_app, [
        "--data-dir", str(settings.data_dir), "--database-url", settings.database_url,
        "export", "--as", user, "--format", "misp-feed", "-o", str(folder)],
        env={"CYBERFUSION_WARNINGLISTS": "0", "CYBERFUSION_FAST_HASHING": "1"})
    assert result.exit_code == 0, result.output
    return folder


def readable(ctx: Context, world: World, org: str) -> int:
    """How many cases `org` reads in full."""
    return cases.list_cases(ctx, world.principals[org], CaseFilter(), 0, 1).total


def test_misp_feed_loads_in_pymisp_and_imports_again(world: World, tmp_path: Path) -> None:
    land(world.ctx, world, XORIST)
    for i in range(3):
        cases.create_case(world.ctx, world.principals["fr-cyber"],
                          parse_case(case_doc(f"Feed case {i}"), NOW.date(), 5))
    cases.create_case(world.ctx, world.principals["fr-cyber"],
                      parse_case(case_doc("French eyes only", release=["country:FR"]),
                                 NOW.date(), 5))
    folder = feed_of(world, "de-cyber.analyst", tmp_path / "feed")
    manifest = json.loads((folder / "manifest.json").read_text())
    events = sorted(p.stem for p in folder.glob("*.json") if p.name != "manifest.json")
    assert sorted(manifest) == events and len(events) == 4
    for uid in events:
        event = MISPEvent()
        event.load_file(str(folder / f"{uid}.json"))
        assert event.uuid == uid and event.info == manifest[uid]["info"]
        assert set(manifest[uid]) >= SUMMARY, manifest[uid]
        assert manifest[uid]["Orgc"]["name"]
    assert "French eyes only" not in {m["info"] for m in manifest.values()}
    rows = [row.split(",") for row in (folder / "hashes.csv").read_text().splitlines()]
    wallet = hashlib.md5(WALLET.encode(), usedforsecurity=False).hexdigest()
    owners = {uid for digest, uid in rows if digest == wallet}
    assert len(owners) == 3 and owners <= set(events)
    again = make_context(f"sqlite:///{tmp_path / 'again.db'}", tmp_path / "again")
    try:
        fresh = build_world(again)
        land(again, fresh, folder)
        assert readable(again, fresh, "fr-cyber") == readable(world.ctx, world, "de-cyber") >= 4
    finally:
        again.db.dispose()


def test_misp_feed_needs_a_folder(world: World) -> None:
    settings = world.ctx.settings
    result = CliRunner().invoke(cli_app, [
        "--data-dir", str(settings.data_dir), "--database-url", settings.database_url,
        "export", "--as", "de-cyber.analyst", "--format", "misp-feed"],
        env={"CYBERFUSION_FAST_HASHING": "1"})
    assert result.exit_code != 0 and "--output" in result.output
