"""Cases through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from worlds import build_world, case_doc

from cyberfusion.domain.access import Access
from cyberfusion.domain.model import CaseFilter
from cyberfusion.errors import Conflict, InvalidHandling, NotFound, PermissionDenied
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, dashboard, exports, hits, search
from cyberfusion.services.context import Context

TODAY = date(2026, 6, 1)


def draft(**handling: object) -> object:
    """A parsed case draft with handling overrides."""
    return parse_case(case_doc(**handling), TODAY, 5)


def test_create_read_update_revoke(ctx: Context) -> None:
    w = build_world(ctx)
    fr = w.principals["fr-cyber"]
    case = cases.create_case(ctx, fr, draft(release=["country:FR"]))  # type: ignore[arg-type]
    assert [o.value for o in case.occurrences] == [
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "185.220.101.4", "evil-payments.com"]
    assert cases.get_case(ctx, w.principals["fr-ncb"], case.id).title == case.title
    with pytest.raises(NotFound):
        cases.get_case(ctx, w.principals["de-cyber"], case.id)
    changed = parse_case({**case_doc(release=["country:FR"]), "title": "v2"}, TODAY, 5)
    updated = cases.update_case(ctx, fr, case.id, changed, expected_version=1)
    assert (updated.version, updated.title) == (2, "v2")
    with pytest.raises(Conflict):
        cases.update_case(ctx, fr, case.id, changed, expected_version=1)
    assert cases.case_history(ctx, fr, case.id).versions[0].record["title"] == case.title
    with pytest.raises(PermissionDenied):
        cases.update_case(ctx, w.principals["fr-ncb"], case.id, changed, expected_version=2)
    cases.revoke_case(ctx, fr, case.id, "duplicate")
    assert cases.list_cases(ctx, fr, CaseFilter()).total == 0
    assert cases.list_cases(ctx, fr, CaseFilter(include_revoked=True)).total == 1


WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


def test_a_withdrawn_case_is_kept_for_the_record_and_feeds_nothing(ctx: Context) -> None:
    w = build_world(ctx)
    fr, de = w.principals["fr-cyber"], w.principals["de-cyber"]
    case = cases.create_case(ctx, fr, draft())  # type: ignore[arg-type]
    assert [m.case_id for m in search.search_value(ctx, de, WALLET).full] == [case.id]
    cases.revoke_case(ctx, fr, case.id, "sent in error")
    withdrawn_at = ctx.now()
    ctx.clock = lambda: withdrawn_at + timedelta(hours=1)
    cases.revoke_case(ctx, fr, case.id, "again")  # the first withdrawal's date stays
    kept = cases.get_case(ctx, de, case.id)
    assert kept.revoked and kept.revoked_at == withdrawn_at
    assert cases.list_cases(ctx, de, CaseFilter()).total == 0
    assert [c.id for c in cases.list_cases(ctx, de, CaseFilter(include_revoked=True)).items] \
        == [case.id]
    answer = search.search_value(ctx, de, WALLET)
    assert answer.full == [] and answer.hits == []
    assert search.autocomplete(ctx, de, "Ransom") == []
    board = dashboard.dashboard(ctx, de)
    assert (board.cases, board.occurrences, board.by_crime_type) == (0, 0, {})
    assert exports.export_cases(ctx, de, CaseFilter(), exports.JSONL).cases == []
    before = len(hits.incoming(ctx, fr))
    cases.create_case(ctx, de, draft())  # type: ignore[arg-type]
    assert len(hits.incoming(ctx, fr)) == before


def test_values_are_stored_once_and_occur_once_per_case(ctx: Context) -> None:
    w = build_world(ctx)
    doc = case_doc()
    doc["observables"].append({"type": "domain", "value": "EVIL-PAYMENTS.COM.", "role": "dup"})
    first = cases.create_case(ctx, w.principals["fr-cyber"], parse_case(doc, TODAY, 5))
    cases.create_case(ctx, w.principals["de-cyber"], draft())  # type: ignore[arg-type]
    assert len(first.occurrences) == 3
    with ctx.db.read() as tx:
        assert len(tx.observables.ids_for([o.key for o in first.occurrences])) == 3


def test_unknown_orgs_in_handling_are_refused(ctx: Context) -> None:
    w = build_world(ctx)
    with pytest.raises(InvalidHandling) as caught:
        cases.create_case(ctx, w.principals["fr-cyber"],
                          draft(release=["org:nobody"], partners=["fr-ncb"]))  # type: ignore[arg-type]
    assert {i.location for i in caught.value.issues} == {"handling.release", "handling.partners"}


def test_search_answers_full_hit_and_nothing(ctx: Context) -> None:
    w = build_world(ctx)
    cases.create_case(ctx, w.principals["fr-cyber"],
                      draft(release=["country:FR"], hit_policy="hit"))  # type: ignore[arg-type]
    cases.create_case(ctx, w.principals["br-cyber"],
                      draft(release=["country:BR"], hit_policy="silent"))  # type: ignore[arg-type]
    answer = search.search_value(ctx, w.principals["de-cyber"], "185.220.101[.]4")
    assert answer.full == [] and [h.owner_org_id for h in answer.hits] == ["fr-cyber"]
    own = search.search_value(ctx, w.principals["fr-ncb"], "185.220.101.4", "ipv4")
    assert [m.owner_org_id for m in own.full] == ["fr-cyber"] and own.hits == []


def test_who_can_see_lists_exactly_the_admitted(ctx: Context) -> None:
    w = build_world(ctx)
    case = cases.create_case(ctx, w.principals["fr-cyber"], draft(
        tlp="amber", release=["region:europe"], exclude=["country:DE"],
        partners=["acme-sec"], hit_policy="silent"))  # type: ignore[arg-type]
    seen = {o.id: a for o, a in cases.who_can_see(ctx, w.principals["fr-cyber"], case.id)}
    assert seen == {"fr-cyber": Access.FULL, "fr-ncb": Access.FULL, "acme-sec": Access.FULL}


def test_dashboard_counts_only_readable(ctx: Context) -> None:
    w = build_world(ctx)
    cases.create_case(ctx, w.principals["fr-cyber"], draft(release=["country:FR"]))  # type: ignore[arg-type]
    cases.create_case(ctx, w.principals["fr-cyber"], draft(release=["members"]))  # type: ignore[arg-type]
    assert dashboard.dashboard(ctx, w.principals["de-cyber"]).cases == 1
    assert dashboard.dashboard(ctx, w.principals["fr-ncb"]).cases == 2
    assert dashboard.dashboard(ctx, w.principals["acme-sec"]).cases == 0


def test_list_filters_take_text_and_countries_literally(ctx: Context) -> None:
    w = build_world(ctx)
    fr = w.principals["fr-cyber"]
    for title, countries in (("Refund 100% scam", ["FR"]), ("Refund 1000 scam", ["FI", "DE"]),
                             ("user_name leak", ["FR", "DE"]), ("username leak", ["DE"])):
        doc = {**case_doc(title=title), "countries": countries}
        cases.create_case(ctx, fr, parse_case(doc, TODAY, 5))

    def titles(**f: str) -> set[str]:
        return {c.title for c in cases.list_cases(ctx, fr, CaseFilter(**f)).items}  # type: ignore[arg-type]

    assert titles(text="100%") == {"Refund 100% scam"}
    assert titles(text="user_name") == {"user_name leak"}
    assert titles(country="FR") == {"Refund 100% scam", "user_name leak"}
    assert titles(country="de") == {"Refund 1000 scam", "user_name leak", "username leak"}
    assert titles(country="F") == titles(country="%") == titles(country="R,D") == set()
