"""Presenters: pure, below the adapters, and one shape whatever the answer holds."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.hits import FullRef, HitRef, ValueAnswer
from cyberfusion.domain.observables import normalise
from cyberfusion.presenters.hits import hit_json
from cyberfusion.presenters.lookups import lookup_answer_json
from cyberfusion.presenters.search import search_answer_json
from cyberfusion.services.hits import HitView
from cyberfusion.services.lookups import LookupAnswer
from cyberfusion.services.search import FullMatch, HitMatch, SearchAnswer

PACKAGE = Path(__file__).resolve().parents[3] / "cyberfusion" / "presenters"
AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    found |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return found


def test_presenters_import_neither_store_nor_adapters() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 15
    for path in modules:
        for name in _imports(path):
            assert not name.startswith(("cyberfusion.store", "cyberfusion.web",
                                        "cyberfusion.cli", "cyberfusion.jobs",
                                        "sqlalchemy", "fastapi", "typer")), (path.name, name)


def test_a_search_answer_has_the_same_keys_with_and_without_matches() -> None:
    obs = normalise("ipv4", "203.0.113.9")
    empty = search_answer_json(SearchAnswer(obs))
    full = search_answer_json(SearchAnswer(
        obs, [FullMatch(4, "Lyon", "fr-cyber", "c2", "ransomware", TLP.AMBER)],
        [HitMatch("br-cyber", "ab12")], ["tor-exits"]))
    assert empty.keys() == full.keys()
    assert empty["query"] == {"type": "ipv4", "value": "203.0.113.9", "warninglists": []}
    assert full["cases"] == [{"id": 4, "title": "Lyon", "owner": "fr-cyber", "role": "c2",
                              "crime_type": "ransomware", "tlp": "amber"}]
    assert full["hits"] == [{"owner": "br-cyber", "reference": "ab12",
                             "message": "a match is held by br-cyber; request disclosure"}]


def test_lookup_answers_share_keys_and_case_lines_with_search() -> None:
    obs = normalise("ipv4", "203.0.113.9")
    found = ValueAnswer(obs, (FullRef(4, "Lyon", "fr-cyber", "c2", "ransomware", "amber"),),
                        (HitRef("br-cyber", "ab12"),), ("tor-exits",))
    matched = lookup_answer_json(LookupAnswer("203.0.113.9", found, ""))
    invalid = lookup_answer_json(LookupAnswer("nonsense", None, "not a value"))
    assert matched.keys() == invalid.keys()
    searched = search_answer_json(SearchAnswer(
        obs, [FullMatch(4, "Lyon", "fr-cyber", "c2", "ransomware", TLP.AMBER)],
        [HitMatch("br-cyber", "ab12")]))
    assert matched["cases"] == searched["cases"] and matched["hits"] == searched["hits"]
    assert (invalid["value"], invalid["error"], invalid["cases"]) == (None, "not a value", [])


def test_a_hit_says_who_holds_it_only_when_it_is_a_hit() -> None:
    def view(answer: str, case_id: int | None) -> HitView:
        return HitView("h1", "search", AT, "de-ncb", "fr-cyber", answer, "ipv4",
                       "203.0.113.9", case_id, "Lyon" if case_id else "", 7)

    held, read = hit_json(view("hit", None)), hit_json(view("full", 4))
    assert held.keys() == read.keys()
    assert (held["case"], held["message"]) == (None, "a match is held by fr-cyber; "
                                                     "request disclosure")
    assert (read["case"], read["message"]) == ({"id": 4, "title": "Lyon"}, None)
    assert held["source_case"] == 7
