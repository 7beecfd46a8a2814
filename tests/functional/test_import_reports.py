"""What an import's report says when a file lands little or nothing: STIX objects with
nothing beyond type and id, an HTML page of bare links, a MISP feed with a bad manifest."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from typer.testing import CliRunner
from worlds import World

from cyberfusion.cli.main import app as cli_app
from cyberfusion.domain.imports import ImportJob, Severity
from cyberfusion.services import imports

ENV = {"CYBERFUSION_WARNINGLISTS": "0", "CYBERFUSION_FAST_HASHING": "1"}


def _cli_import(world: World, path: Path) -> tuple[int, str, ImportJob]:
    """Import `path` with the CLI as fr-cyber's analyst: exit code, output, the job."""
    settings = world.ctx.settings
    done = CliRunner().invoke(cli_app, [
        "--data-dir", str(settings.data_dir), "--database-url", settings.database_url,
        "import", str(path), "--as", "fr-cyber.analyst", "--release", "members"], env=ENV)
    [job] = imports.list_jobs(world.ctx, world.principals["fr-cyber"], 1)
    return done.exit_code, done.output, job


def _issues(world: World, job: ImportJob) -> list[tuple[Severity, str, str]]:
    found = imports.job_issues(world.ctx, world.principals["fr-cyber"], job.id)
    return [(i.severity, i.location, i.message) for i in found]


def test_stix_objects_with_only_type_and_id_are_counted_and_located(
        world: World, tmp_path: Path) -> None:
    shells = [{"type": "indicator", "id": f"indicator--{uuid.uuid4()}",
               "spec_version": "2.1"} for _ in range(40)]
    real = {"type": "ipv4-addr", "id": f"ipv4-addr--{uuid.uuid4()}", "value": "192.0.2.77"}
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
              "objects": [*shells[:3], real, *shells[3:]]}
    path = tmp_path / "shells.json"
    path.write_text(json.dumps(bundle))
    code, output, job = _cli_import(world, path)
    assert code == 0 and job.status == "done"
    [warning] = [i for i in _issues(world, job) if "beyond type and id" in i[2]]
    assert warning[0] is Severity.WARNING and warning[1] == "shells.json:objects[0]"
    assert warning[2].startswith("40 object(s)")
    assert "shells.json:objects[4]" in warning[2] and "objects[3]" not in warning[2]
    assert "and 35 more" in warning[2]
    assert "carry nothing beyond type and id" in output


def test_an_html_page_of_links_without_text_says_no_indicators_and_why(
        world: World, tmp_path: Path) -> None:
    path = tmp_path / "links.html"
    path.write_text("<html><body>" + "".join(
        f'<a href="/item/{i}"></a><a href="#top"><img src="x.png"></a>' for i in range(30))
        + "</body></html>")
    code, output, job = _cli_import(world, path)
    assert code == 0 and job.status == "done" and job.counts["created"] == 0
    [(severity, location, message)] = _issues(world, job)
    assert severity is Severity.WARNING and location == "links.html"
    assert message.startswith("no indicators found") and "60 link(s)" in message
    assert "relative links and anchors name no indicator" in message
    assert "no indicators found" in output


def test_a_misp_feed_with_a_bad_manifest_fails_with_a_located_error(
        world: World, tmp_path: Path) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "manifest.json").write_text('{"5f3c1d2e-0000-4000-8000-000000000001": {"info": ')
    code, output, job = _cli_import(world, feed)
    assert code == 1 and job.status == "failed" and job.counts["created"] == 0
    assert job.error and "feed/manifest.json:$" in job.error
    [(severity, location, message)] = _issues(world, job)
    assert severity is Severity.ERROR and location == "feed/manifest.json:$"
    assert "cannot read the feed manifest" in message and "failed" in output
