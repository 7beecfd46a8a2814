"""The API and the CLI's `--json` print every resource they both offer in one shape.

One data folder is seeded once; the same user then asks the API (in-process HTTP) and the
CLI (in-process Typer) for search, lookup, hits, the hit inbox, disclosure requests, cases,
threads, networks, entities and the duty board. Each pair must be equal, and equal to the resource's
presenter applied to the service's answer, so a side that builds its own dict (or drops,
renames or adds a field) fails here.

Normalisation, only where the two legitimately differ:
- envelopes: the CLI prints hit, notice and disclosure lists as a bare JSON list (the API
  wraps them as `{"items": [...]}`, beside `unread` or a hit's `reference`); the items are
  compared. The batch lookup compares the API's `answers` with the CLI's NDJSON lines.
- hit references: every search and lookup records new hits, so each ask gets fresh
  references; they are replaced by `<reference>` in search and lookup answers only.
- delivery: listing or opening a thread delivers it, so both threads are opened once
  before the comparison (the first read changes party status, later ones do not).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_support import Cli, cli_in, ok
from conftest_http import bearer
from fastapi.testclient import TestClient
from knowledge_support import LOCKBIT, family_objects, land, report
from worlds import World, build_world

from cyberfusion.cli.state import make_context, read_settings
from cyberfusion.domain.knowledge import EntityFilter, EntityKind
from cyberfusion.domain.model import Principal
from cyberfusion.formats.case_json import parse_case
from cyberfusion.formats.channel_json import parse_draft
from cyberfusion.presenters import cases as case_p
from cyberfusion.presenters import channel as channel_p
from cyberfusion.presenters import directory as directory_p
from cyberfusion.presenters import disclosure as disclosure_p
from cyberfusion.presenters import entities as entities_p
from cyberfusion.presenters import hits as hits_p
from cyberfusion.presenters import lookups as lookups_p
from cyberfusion.presenters import networks as networks_p
from cyberfusion.presenters import search as search_p
from cyberfusion.services import (
    cases,
    channel,
    directory,
    disclosure,
    hits,
    knowledge,
    lookups,
    networks,
    search,
)
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.cases import CaseFilter
from cyberfusion.store.repositories.channel import ThreadFilter
from cyberfusion.web.app import create_app

C2 = "185.220.101.42"  # a Tor exit: on a warning list, so answers name the list
WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
USER = "de-ncb.analyst"
ORG = "de-ncb"


@dataclass
class Parity:
    """One seeded world, reachable through the API, the CLI and the services."""

    ctx: Context
    world: World
    api: TestClient
    cli: Cli
    headers: dict[str, str]
    threads: list[int]

    @property
    def me(self) -> Principal:
        """The user both sides ask for."""
        return self.world.principals[ORG]

    def get(self, path: str, **params: Any) -> Any:
        """The API's JSON answer to a GET (asserting 200)."""
        response = self.api.get(f"/api/v1{path}", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()

    def run(self, *args: str) -> Any:
        """The CLI's `--json` answer, as the user."""
        return json.loads(ok(self.cli(*args, "--as", USER, "--json")).stdout)


def _case(title: str, release: list[str], policy: str = "visible") -> dict[str, Any]:
    return {"title": title, "crime_type": "ransomware", "countries": ["FR", "DE"],
            "first_seen": "2026-05-01", "summary": "Shared wallet and C2.",
            "handling": {"tlp": "amber", "release": release, "hit_policy": policy},
            "observables": [{"type": "ipv4", "value": C2, "role": "c2"},
                            {"type": "btc_wallet", "value": WALLET, "role": "ransom"},
                            {"type": "domain", "value": "pay-now[.]example", "role": "site"}]}


def _seed(ctx: Context, world: World) -> list[int]:
    """Three linked cases (one only a HIT for de-ncb), a network, two threads, a request."""
    today, years = ctx.now().date(), ctx.settings.review_years
    for org, doc in (("fr-cyber", _case("Lyon hospital", ["members"])),
                     ("de-cyber", _case("Bonn clinic", ["members"])),
                     ("br-cyber", _case("Sao Paulo bank", ["country:BR"], "hit"))):
        cases.create_case(ctx, world.principals[org], parse_case(doc, today, years))
    networks.recompute(ctx, True)
    threads = []
    for sender, subject in (("fr-ncb", "Wallet seen in Lyon"), ("br-ncb", "Same C2?")):
        draft = parse_draft({"to": [ORG], "subject": subject, "body": "see case",
                             "handling": {"tlp": "green"}}, today, years)
        threads.append(channel.send(ctx, world.principals[sender], draft).id)
    answer = search.search_value(ctx, world.principals[ORG], WALLET)
    disclosure.request_disclosure(ctx, world.principals[ORG], answer.hits[0].reference,
                                  "same wallet as ours")
    return threads


@pytest.fixture
def parity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parity]:
    """The CLI's data folder, seeded through the services and served by the API."""
    cli = cli_in(tmp_path, monkeypatch)
    # No background sweep or import worker: nothing may change the world between two asks.
    monkeypatch.setenv("CYBERFUSION_SWEEP_INTERVAL_SECONDS", "0")
    monkeypatch.setenv("CYBERFUSION_IMPORT_WORKERS", "0")
    ok(cli("init"))
    ctx = make_context(read_settings(tmp_path, None), fast_hashing=True)
    world = build_world(ctx)
    threads = _seed(ctx, world)
    with TestClient(create_app(ctx)) as api:
        yield Parity(ctx, world, api, cli, bearer(world, ORG), threads)
    ctx.db.dispose()


def _unref(doc: Any) -> Any:
    """The document with hit references replaced (each ask records fresh hits)."""
    if isinstance(doc, dict):
        return {k: "<reference>" if k == "reference" else _unref(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_unref(v) for v in doc]
    return doc


def _same(api: Any, cli: Any, presented: Any) -> None:
    """API == CLI == the presenter over the service's answer."""
    assert api == cli
    assert api == presented


def test_search_and_lookup_answers_are_one_shape(parity: Parity, tmp_path: Path) -> None:
    api = _unref(parity.get("/search", value=WALLET))
    cli = _unref(parity.run("search", WALLET))
    direct = _unref(search_p.search_answer_json(search.search_value(parity.ctx, parity.me,
                                                                    WALLET)))
    _same(api, cli, direct)
    assert sorted(c["title"] for c in api["cases"]) == ["Bonn clinic", "Lyon hospital"]
    assert {c["tlp"] for c in api["cases"]} == {"amber"}
    assert [h["owner"] for h in api["hits"]] == ["br-cyber"]
    on_list = parity.get("/search", value=C2)
    assert on_list["query"]["warninglists"] == parity.run("search", C2)["query"]["warninglists"]
    assert on_list["query"]["warninglists"], "the C2 is on a warning list"

    values = [C2, WALLET, "203.0.113.9", "not a value"]
    response = parity.api.post("/api/v1/lookups", json={"values": values},
                               headers=parity.headers)
    assert response.status_code == 200, response.text
    listed = tmp_path / "values.txt"
    listed.write_text("\n".join(values) + "\n")
    out = ok(parity.cli("lookup", str(listed), "--as", USER, "--json")).stdout
    cli_answers = [json.loads(line) for line in out.splitlines()]
    items = lookups.parse_lines(values)
    direct_answers = [lookups_p.lookup_answer_json(a)
                      for a in lookups.lookup(parity.ctx, parity.me, items)]
    _same(_unref(response.json()["answers"]), _unref(cli_answers), _unref(direct_answers))
    assert [len(a["hits"]) for a in cli_answers] == [1, 1, 0, 0]


def test_hits_inbox_and_disclosures_are_one_shape(parity: Parity) -> None:
    ctx, me = parity.ctx, parity.me
    for direction, flag in (("outgoing", ()), ("incoming", ("--incoming",))):
        api = parity.get("/hits", direction=direction)["items"]
        cli = parity.run("hits", "list", *flag)
        views = hits.outgoing(ctx, me) if direction == "outgoing" else hits.incoming(ctx, me)
        _same(api, cli, [hits_p.hit_json(v) for v in views])
    held = [h for h in parity.get("/hits")["items"] if h["answer"] == "hit"]
    assert held and held[0]["message"] and "source_case" in held[0]
    ref = held[0]["id"]
    _same(parity.get(f"/hits/{ref}")["items"], parity.run("hits", "show", ref),
          [hits_p.hit_json(v) for v in hits.hit_group(ctx, me, ref)])
    _same(parity.get("/hits/inbox")["items"], parity.run("hits", "inbox"),
          [hits_p.notice_json(i) for i in hits.inbox(ctx, me, False)])
    made = parity.get("/disclosures", role="requester")["items"]
    _same(made, parity.run("disclosure", "list", "--made"),
          [disclosure_p.request_json(r)
           for r in disclosure.list_requests(ctx, me, "requester")])
    assert [r["reason"] for r in made] == ["same wallet as ours"]


def test_cases_are_one_shape(parity: Parity) -> None:
    page = parity.get("/cases")
    _same(page, parity.run("case", "list"),
          case_p.case_page_json(cases.list_cases(parity.ctx, parity.me, CaseFilter(), 0, 50)))
    assert page["total"] == 2 and "observables" not in page["items"][0]
    for item in page["items"]:
        one = parity.get(f"/cases/{item['id']}")
        _same(one, parity.run("case", "show", str(item["id"])),
              case_p.case_json(cases.get_case(parity.ctx, parity.me, item["id"])))
        assert len(one["observables"]) == 3


def test_threads_are_one_shape(parity: Parity) -> None:
    for thread_id in parity.threads:  # opening delivers: do it once before comparing
        parity.get(f"/threads/{thread_id}")
    listed = parity.get("/threads")
    page = channel.list_threads(parity.ctx, parity.me, ThreadFilter("all", ""), 0, 50)
    _same(listed, parity.run("inbox"), channel_p.thread_page_json(page, ORG))
    assert listed["total"] == 2
    for thread_id in parity.threads:
        one = parity.get(f"/threads/{thread_id}")
        view = channel.get_thread(parity.ctx, parity.me, thread_id)
        _same(one, parity.run("thread", str(thread_id)), channel_p.thread_view_json(view, ORG))
        assert one["messages"][0]["verification"]["ok"] is True


def test_networks_and_duty_are_one_shape(parity: Parity) -> None:
    listed = parity.get("/networks")
    items, total = networks.list_networks(parity.ctx, parity.me, 0, 50)
    _same(listed, parity.run("network", "list"),
          networks_p.network_page_json(items, total, 0, 50))
    [network] = listed["items"]
    assert (network["cases"], network["more_held_by_others"]) == (2, 1)
    ref = network["ref"]
    _same(parity.get(f"/networks/{ref}"), parity.run("network", "show", ref),
          networks_p.detail_json(networks.network_detail(parity.ctx, parity.me, ref)))
    at = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)  # one moment for both: local times match
    rows = directory.duty_board(parity.ctx, parity.me, "DE", "", at)
    _same(parity.get("/duty", country="DE", at=at.isoformat()),
          parity.run("duty", "DE", "--at", at.isoformat()), directory_p.duty_board_json(rows))
    assert sorted(r.org.id for r in rows) == ["de-cyber", "de-ncb"]


def test_entities_are_one_shape(parity: Parity, tmp_path: Path) -> None:
    land(parity.world, "fr-cyber", [*family_objects(), report(1, "Lyon hospital", [LOCKBIT])],
         tmp_path)
    ctx, me = parity.ctx, parity.me
    listed = parity.get("/entities")
    _same(listed, parity.run("entity", "list"),
          entities_p.entity_page_json(knowledge.list_entities(ctx, me, EntityFilter())))
    assert listed["total"] >= 3
    found = parity.get("/entities", q="lockbit", kind="intrusion-set")
    _same(found, parity.run("entity", "list", "--q", "lockbit", "--kind", "intrusion-set"),
          entities_p.entity_page_json(knowledge.list_entities(
              ctx, me, EntityFilter("lockbit", EntityKind.INTRUSION_SET))))
    assert [e["name"] for e in found["items"]] == ["Bitwise Spider"]  # by its alias
    for item in listed["items"]:
        _same(parity.get(f"/entities/{item['id']}"),
              parity.run("entity", "show", str(item["id"])),
              entities_p.entity_detail_json(knowledge.entity_detail(ctx, me, item["id"])))
