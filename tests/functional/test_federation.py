"""A national node and the hub as two real instances on loopback, each `cyberfusion serve`
in its own process with its own SQLite data folder, federating over TAXII 2.1 with
`cyberfusion source push|pull` run as subprocesses on the node.

The node pushes what its handling lets leave for the hub (a case released to members
crosses; a TLP:RED one and one excluding the hub's country do not), pulls what the hub
released to it (and not what it released to another country), a re-run changes nothing,
and a pull SIGKILLed half-way resumes on the next run with nothing lost or duplicated.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from channel_servers import free_port
from taxii_servers import MEDIA, wait_up
from taxii_support import keep, members_green
from worlds import ORGS, PASSWORD, case_doc

from cyberfusion.config import Settings
from cyberfusion.domain.model import Region, Role
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import auth, cases, orgs
from cyberfusion.services.context import Context, build_context
from cyberfusion.store import schema

#: The hub sits in Singapore here, so that "exclude country:SG" shuts it out.
FEDERATED_ORGS = [replace(ORGS[0], country="SG", region=Region.ASIA), *ORGS[1:]]
BULK = 1500
#: Seconds a run holds its source: the SIGKILLed pull's lease runs out before the re-run.
LEASE = 2


def prepare(folder: Path) -> Context:
    """An instance's data folder: the shared register of organisations, an admin+analyst
    user per organisation."""
    folder.mkdir()
    ctx = build_context(Settings(data_dir=folder, warninglists=False), fast_hashing=True)
    schema.upgrade(ctx.db)
    for org in FEDERATED_ORGS:
        orgs.create_org(ctx, None, org)
        orgs.create_user(ctx, None, f"{org.id}.admin", org.id,
                         frozenset({Role.ADMIN, Role.ANALYST}), PASSWORD)
    return ctx


def principal(ctx: Context, username: str) -> Any:
    """The principal of one user of this instance."""
    return auth.acting_as(ctx, username)


def submit(ctx: Context, org: str, title: str, **handling: Any) -> None:
    """A case of `org` with this title and handling."""
    doc = case_doc(title, **handling)
    cases.create_case(ctx, principal(ctx, f"{org}.admin"),
                      parse_case(doc, datetime.now(UTC).date(), 5))


def env_for(data: Path, **extra: str) -> dict[str, str]:
    """The environment of an instance's processes."""
    env = {**os.environ, "CYBERFUSION_DATA_DIR": str(data), "CYBERFUSION_WARNINGLISTS":
           "false", "CYBERFUSION_SWEEP_INTERVAL_SECONDS": "0", "CYBERFUSION_IMPORT_WORKERS":
           "1", "CYBERFUSION_SOURCE_POLL_SECONDS": "0", "CYBERFUSION_SOURCE_LEASE_SECONDS":
           str(LEASE), **extra}
    env.pop("CYBERFUSION_DATABASE_URL", None)
    return env


def serve(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`cyberfusion serve` for one instance; (process, base URL)."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "cyberfusion", "serve", "--port",
                               str(port)], env=env_for(data), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_up(f"{base}/taxii2/")
    return server, base


def cli(data: Path, token: str, *args: str) -> subprocess.Popen[bytes]:
    """A `cyberfusion` command of the node, with the hub token in HUB_TOKEN."""
    return subprocess.Popen([sys.executable, "-m", "cyberfusion", *args, "--as",
                             "fr-cyber.admin"], env=env_for(data, HUB_TOKEN=token),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def run_cli(data: Path, token: str, *args: str) -> str:
    """Run a node command to its end; its output (it must succeed)."""
    done = cli(data, token, *args)
    out, _ = done.communicate(timeout=300)
    assert done.returncode == 0, out.decode()
    return out.decode()


def count(db: Path, sql: str, *params: Any) -> int:
    """One number from an instance's database (read while it serves: WAL)."""
    with sqlite3.connect(db, timeout=30) as conn:
        return int(conn.execute(sql, params).fetchone()[0])


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The node and the hub, prepared and serving."""
    node_ctx, hub_ctx = prepare(tmp_path / "node"), prepare(tmp_path / "hub")
    hub_token = auth.issue_token(hub_ctx, principal(hub_ctx, "fr-cyber.admin"), "node sync",
                                 frozenset({"read", "write"})).secret
    reader_tokens = {name: auth.issue_token(c, principal(c, f"{org}.admin"), "test",
                                            frozenset({"read"})).secret
                     for name, c, org in (("node", node_ctx, "fr-cyber"),
                                          ("hub", hub_ctx, "hub"))}
    hub, hub_url = serve(tmp_path / "hub")
    node, node_url = serve(tmp_path / "node")
    try:
        yield {"node": node_ctx, "hub": hub_ctx, "hub_token": hub_token, "hub_url": hub_url,
               "node_url": node_url, "tokens": reader_tokens, "dir": tmp_path}
    finally:
        for process in (hub, node):
            process.send_signal(signal.SIGTERM)
            process.wait(20)
        node_ctx.db.dispose()
        hub_ctx.db.dispose()


def readable_titles(base: str, token: str) -> set[str]:
    """Titles of the cases the token's organisation may read there."""
    found = requests.get(f"{base}/api/v1/cases", params={"limit": 500}, timeout=30,
                         headers={"Authorization": f"Bearer {token}"})
    assert found.status_code == 200, found.text
    return {c["title"] for c in found.json()["items"]}


def hub_collections(hub_url: str, token: str) -> dict[str, str]:
    """fr-cyber's collections on the hub by alias: their ids."""
    found = requests.get(f"{hub_url}/taxii2/pool/collections/", timeout=30,
                         headers={"Authorization": f"Bearer {token}", "Accept": MEDIA})
    return {c["alias"]: c["id"] for c in found.json()["collections"]}


def wait_for(ready: Callable[[], bool], what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_node_and_hub_federate_over_taxii(instances: dict[str, Any]) -> None:
    node, hub, token = instances["node"], instances["hub"], instances["hub_token"]
    data, hub_url = instances["dir"] / "node", instances["hub_url"]
    submit(node, "fr-cyber", "Released to members", tlp="green")
    submit(node, "fr-cyber", "Red for the hub", tlp="red", release=["org:hub"])
    submit(node, "fr-cyber", "Not for Singapore", exclude=["country:SG"])
    submit(hub, "hub", "Hub bulletin for members", tlp="green")
    submit(hub, "hub", "Only for Germany", release=["country:DE"])
    ids = hub_collections(hub_url, token)
    root = f"{hub_url}/taxii2/pool/"
    run_cli(data, token, "source", "add", "hub-out", "--direction", "push", "--url", root,
            "--collection", ids["inbox"], "--auth", "bearer", "--secret-env", "HUB_TOKEN",
            "--peer-org", "hub")
    run_cli(data, token, "source", "add", "hub-in", "--url", root, "--collection",
            ids["all"], "--auth", "bearer", "--secret-env", "HUB_TOKEN")

    pushed = run_cli(data, token, "source", "push", "hub-out")
    assert "push done" in pushed, pushed
    hub_sees = readable_titles(hub_url, instances["tokens"]["hub"])
    assert "Released to members" in hub_sees
    assert not {"Red for the hub", "Not for Singapore"} & hub_sees
    again = run_cli(data, token, "source", "push", "hub-out")
    assert "pushed 0" in again and "unchanged" in again, again

    pulled = run_cli(data, token, "source", "pull", "hub-in")
    assert "pull done" in pulled, pulled
    node_sees = readable_titles(instances["node_url"], instances["tokens"]["node"])
    assert "Hub bulletin for members" in node_sees and "Only for Germany" not in node_sees
    assert sorted(node_sees).count("Released to members") == 1  # no echo of our own case
    db = instances["dir"] / "node" / "cyberfusion.db"
    cases_before = count(db, "SELECT count(*) FROM intel_case")
    rerun = run_cli(data, token, "source", "pull", "hub-in")
    assert "landed 0" in rerun, rerun
    assert count(db, "SELECT count(*) FROM intel_case") == cases_before
    killed_pull_resumes(instances, db)


def killed_pull_resumes(instances: dict[str, Any], db: Path) -> None:
    """SIGKILL a pull after its first page landed; the next run lands the rest once."""
    hub, token, data = instances["hub"], instances["hub_token"], instances["dir"] / "node"
    review = date.today() + timedelta(days=400)
    bulk = keep(hub, "hub", BULK, members_green(review), datetime.now(UTC))
    walking = lambda: count(db, "SELECT count(*) FROM taxii_source "  # noqa: E731
                                "WHERE name = 'hub-in' AND next_value != ''") == 1
    first = cli(data, token, "source", "pull", "hub-in")
    wait_for(lambda: walking() or first.poll() is not None, "the first landed page")
    assert first.poll() is None, "the pull ended before it could be killed"
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert first.stdout is not None
    first.stdout.close()
    held = "SELECT count(*) FROM source_object WHERE ref IN ({})".format(
        ",".join("?" * len(bulk)))
    landed_at_kill = count(db, held, *bulk)
    assert 0 < landed_at_kill < BULK
    time.sleep(LEASE + 0.5)  # the dead run's lease runs out
    resumed = run_cli(data, token, "source", "pull", "hub-in")
    assert "pull done" in resumed, resumed
    assert count(db, held, *bulk) == BULK
    assert count(db, f"SELECT count(DISTINCT ref) FROM ({held.replace('count(*)', 'ref')})",
                 *bulk) == BULK
    assert count(db, "SELECT count(*) FROM taxii_source_run WHERE status = 'interrupted'") == 1
    fetched = int(resumed.split("fetched ")[1].split(",")[0])
    assert fetched <= BULK - landed_at_kill + 500, resumed  # it went on from `next`
