"""The import review step lists the extracted values with checkboxes; the commit lands only
the kept ones; the finished job links the cases it made."""

from __future__ import annotations

import re
import time

from conftest_http import bearer
from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import World

from cyberfusion.services import cases

REPORT = (b"Lyon hospital ransomware. The loader called home to 185.220.101[.]4 and "
          b"payments went to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq. The analyst's "
          b"notes were kept on wiki.example.org, which is ours.\n")


def held_job(client: TestClient, name: str = "report.txt", body: bytes = REPORT) -> str:
    """Upload a file through the form; the held job's page address."""
    token = csrf_of(client.get("/imports").text)
    held = client.post("/imports", data={"csrf_token": token, "release": "members"},
                       files={"file": (name, body)}, follow_redirects=False)
    assert held.status_code == 303, held.text
    return str(held.headers["location"])


def finished(client: TestClient, headers: dict[str, str], job_id: str) -> dict:
    ends = time.monotonic() + 30
    while True:
        job = dict(client.get(f"/api/v1/imports/{job_id}", headers=headers).json())
        if job["status"] in ("done", "failed", "partial") or time.monotonic() > ends:
            return job
        time.sleep(0.05)


def test_review_lists_values_and_lands_only_the_kept(client: TestClient, world: World) -> None:
    login(client, "fr-cyber.analyst")
    where = held_job(client)
    page = client.get(where).text
    listed = dict(re.findall(r'name="keep" value="([^"]+)"[^>]*checked></td>\s*<td>[^<]*</td>'
                             r'<td class="mono"><label[^>]*><bdi>([^<]+)</bdi>', page))
    values = set(listed.values())
    assert {"185.220.101.4", "wiki.example.org"} <= values, page
    kept = [k for k, v in listed.items() if v != "wiki.example.org"]
    started = client.post(f"{where}/start", data={"csrf_token": csrf_of(page), "reviewed": "1",
                                                  "keep": kept}, follow_redirects=False)
    assert started.status_code == 303
    job_id = where.rsplit("/", 1)[1]
    assert finished(client, bearer(world, "fr-cyber"), job_id)["status"] == "done"
    done = client.get(where).text
    linked = [int(c) for c in re.findall(r'data-landed-case="(\d+)"', done)]
    assert len(linked) == 1 and f'href="/cases/{linked[0]}"' in done
    case = cases.get_case(world.ctx, world.principals["fr-cyber"], linked[0])
    landed = {o.value for o in case.occurrences}
    assert "185.220.101.4" in landed and "wiki.example.org" not in landed


def test_unreviewed_start_lands_everything_and_links_are_for_readers(
    client: TestClient, world: World
) -> None:
    login(client, "fr-cyber.analyst")
    where = held_job(client)
    page = client.get(where).text
    client.post(f"{where}/start", data={"csrf_token": csrf_of(page)})
    job_id = where.rsplit("/", 1)[1]
    assert finished(client, bearer(world, "fr-cyber"), job_id)["status"] == "done"
    done = client.get(where).text
    case_id = int(re.findall(r'data-landed-case="(\d+)"', done)[0])
    landed = {o.value for o in cases.get_case(world.ctx, world.principals["fr-cyber"],
                                               case_id).occurrences}
    assert "wiki.example.org" in landed
    login(client, "de-cyber.analyst")
    assert client.get(where).status_code == 404


def test_dropping_every_value_is_possible(client: TestClient, world: World) -> None:
    login(client, "fr-cyber.analyst")
    where = held_job(client)
    page = client.get(where).text
    client.post(f"{where}/start", data={"csrf_token": csrf_of(page), "reviewed": "1"})
    job_id = where.rsplit("/", 1)[1]
    assert finished(client, bearer(world, "fr-cyber"), job_id)["status"] == "done"
    case_id = int(re.findall(r'data-landed-case="(\d+)"', client.get(where).text)[0])
    assert cases.get_case(world.ctx, world.principals["fr-cyber"], case_id).occurrences == ()
