"""The export API walked page by page: `limit` and the opaque `after` cursor (next page in
`Link` and `X-Next-Cursor`) give every readable case exactly once, cases landing during the
walk included; a bad cursor or page size is a located 422."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import NOW
from conftest_http import bearer
from fastapi.testclient import TestClient
from httpx import Response
from typer.testing import CliRunner
from worlds import World, case_doc

from cyberfusion.cli.main import app as cli_app
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases

EXPORT = "/api/v1/export/cases"


def add(world: World, owner: str, title: str, **handling: object) -> int:
    """A new case of `owner`; its id."""
    draft = parse_case(case_doc(title, **handling), NOW.date(), 5)
    return cases.create_case(world.ctx, world.principals[owner], draft).id


def case_ids(response: Response) -> list[int]:
    """The case ids of a JSON lines export page, in order."""
    assert response.status_code == 200, response.text
    lines = [json.loads(text) for text in response.text.splitlines()]
    return [line["id"] for line in lines if line["kind"] == "case"]


def next_page(response: Response) -> str | None:
    """The `Link: <…>; rel="next"` address, checked against `X-Next-Cursor`."""
    link = response.headers.get("link")
    if link is None:
        assert "x-next-cursor" not in response.headers
        return None
    target, rel = link.split("; ")
    assert rel == 'rel="next"' and target.startswith("<") and target.endswith(">")
    assert f"after={response.headers['x-next-cursor']}" in target
    return target[1:-1]


def test_a_walk_gives_every_readable_case_once_while_cases_land(
        client: TestClient, world: World) -> None:
    readable = [add(world, "fr-cyber", f"Shared {i}") for i in range(7)]
    hidden = add(world, "fr-cyber", "Shared with nobody", release=["country:FR"])
    de = bearer(world, "de-cyber")
    seen: list[int] = []
    url: str | None = f"{EXPORT}?limit=3&q=Shared"
    pages = 0
    while url is not None:
        response = client.get(url, headers=de)
        page = case_ids(response)
        assert 1 <= len(page) <= 3 and page == sorted(page)
        seen += page
        pages += 1
        if pages == 2:
            readable.append(add(world, "fr-cyber", "Shared late"))
        url = next_page(response)
    assert sorted(seen) == sorted(readable) and len(seen) == len(set(seen))
    assert hidden not in seen and pages == 3
    whole = client.get(EXPORT, params={"q": "Shared"}, headers=de)
    assert case_ids(whole) == sorted(readable) and next_page(whole) is None


def test_the_last_full_page_has_no_next(client: TestClient, world: World) -> None:
    made = [add(world, "fr-cyber", f"Even {i}") for i in range(4)]
    fr = bearer(world, "fr-cyber")
    first = client.get(EXPORT, params={"limit": 2, "q": "Even"}, headers=fr)
    assert case_ids(first) == made[:2]
    cursor = first.headers["x-next-cursor"]
    second = client.get(EXPORT, params={"limit": 2, "q": "Even", "after": cursor}, headers=fr)
    assert case_ids(second) == made[2:] and next_page(second) is None


def test_bad_cursor_and_page_size_are_located_problems(client: TestClient,
                                                        world: World) -> None:
    fr = bearer(world, "fr-cyber")
    for params, where in (({"after": "not-ours"}, "after"), ({"after": "MTIz"}, "after"),
                          ({"after": "x" * 65}, "query.after"), ({"limit": 0}, "query.limit"),
                          ({"limit": 10_001}, "query.limit")):
        response = client.get(EXPORT, params=params, headers=fr)
        assert response.status_code == 422, params
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [e["location"] for e in response.json()["errors"]] == [where], params


def test_cli_export_walks_with_limit_and_after(world: World, tmp_path: Path) -> None:
    made = [add(world, "fr-cyber", f"Cli {i}") for i in range(3)]
    settings = world.ctx.settings
    base = ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url,
            "export", "--as", "fr-cyber.analyst", "--format", "jsonl", "--q", "Cli",
            "--limit", "2"]
    env = {"CYBERFUSION_FAST_HASHING": "1"}
    first = CliRunner().invoke(cli_app, [*base, "-o", str(tmp_path / "a.jsonl")], env=env)
    assert first.exit_code == 0, first.output
    cursor = first.output.split("--after ")[1].split()[0]
    second = CliRunner().invoke(cli_app, [*base, "--after", cursor, "-o",
                                          str(tmp_path / "b.jsonl")], env=env)
    assert second.exit_code == 0 and "--after" not in second.output, second.output
    ids = [json.loads(text)["id"] for name in ("a.jsonl", "b.jsonl")
           for text in (tmp_path / name).read_text().splitlines()
           if json.loads(text)["kind"] == "case"]
    assert ids == made
