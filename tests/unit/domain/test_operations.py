"""Operations' domain rules: participants-only handling, draft and ledger checks, takedown
moves, totals, packages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.handling import TLP, HitPolicy
from cyberfusion.domain.model import Organisation, OrgKind, Region
from cyberfusion.domain.operations import (
    OperationDraft,
    PackageCase,
    PackageValue,
    ResultEntry,
    ResultKind,
    TakedownStatus,
    draft_issues,
    operation_handling,
    package_of,
    result_issues,
    takedown_issue,
    totals,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)
HUB = Organisation("hub", "Hub", OrgKind.HUB)
FR_NCB = Organisation("fr-ncb", "NCB FR", OrgKind.NCB, "FR", Region.EUROPE)
FR_UNIT = Organisation("fr-cyber", "FR unit", OrgKind.UNIT, "FR", Region.EUROPE, "fr-ncb")
DE_NCB = Organisation("de-ncb", "NCB DE", OrgKind.NCB, "DE", Region.EUROPE)
ACME = Organisation("acme", "Acme", OrgKind.PARTNER)
ALL = (HUB, FR_NCB, FR_UNIT, DE_NCB, ACME)


@pytest.mark.parametrize("tlp", [TLP.AMBER_STRICT, TLP.RED])
def test_operation_handling_admits_exactly_the_participants(tlp: TLP) -> None:
    handling = operation_handling("fr-ncb", ["de-ncb", "acme"], ["acme"], tlp,
                                  date(2030, 1, 1))
    assert handling.hit_policy is HitPolicy.SILENT and handling.tlp is tlp
    item = GovernedItem(1, "fr-ncb", handling)
    readers = {o.id for o in ALL if decide(o, item, NOW) is Access.FULL}
    assert readers == {"fr-ncb", "de-ncb", "acme"}  # not the hub, not the NCB's own unit


def test_a_loose_tlp_is_raised_to_amber_strict() -> None:
    handling = operation_handling("hub", [], [], TLP.GREEN, date(2030, 1, 1))
    assert handling.tlp is TLP.AMBER_STRICT
    assert decide(FR_NCB, GovernedItem(1, "hub", handling), NOW) is Access.NONE


def test_partners_named_only_if_they_take_part() -> None:
    handling = operation_handling("hub", ["fr-ncb"], ["acme"], TLP.AMBER_STRICT,
                                  date(2030, 1, 1))
    assert handling.partners == frozenset()


def test_draft_issues_are_located() -> None:
    draft = OperationDraft(" ", "nobody", ("fr-ncb", "ghost"), ("FR", "france"),
                           tlp=TLP.AMBER)
    found = {(i.location, i.message.split()[0]) for i in
             draft_issues(draft, [o.id for o in ALL])}
    assert {loc for loc, _ in found} == {"title", "lead", "participants[1]", "countries[1]",
                                         "tlp"}
    assert draft_issues(OperationDraft("Op", "hub", ("fr-ncb",), ("FR",)),
                        [o.id for o in ALL]) == []


def test_result_issues() -> None:
    assert result_issues(ResultKind.WALLET_FROZEN, 1, Decimal("2"), "BTC", "FR") == []
    where = {i.location for i in result_issues(ResultKind.ARREST, 0, Decimal(1), "", "fr")}
    assert where == {"country", "count", "amount", "currency"}
    assert [i.location for i in result_issues(ResultKind.ACCOUNT_FROZEN, 1, None, "eu ro",
                                              "DE")] == ["currency"]


@pytest.mark.parametrize(("current", "new", "ok"), [
    (TakedownStatus.PLANNED, TakedownStatus.REQUESTED, True),
    (TakedownStatus.PLANNED, TakedownStatus.DONE, True),
    (TakedownStatus.REQUESTED, TakedownStatus.REFUSED, True),
    (TakedownStatus.REQUESTED, TakedownStatus.PLANNED, False),
    (TakedownStatus.DONE, TakedownStatus.REFUSED, False),
    (TakedownStatus.REFUSED, TakedownStatus.REQUESTED, False),
])
def test_takedown_moves(current: TakedownStatus, new: TakedownStatus, ok: bool) -> None:
    assert (takedown_issue(current, new) is None) is ok


def test_totals_sum_counts_and_amounts_per_currency_in_kind_order() -> None:
    def entry(kind: ResultKind, count: int, amount: str | None = None,
              currency: str = "") -> ResultEntry:
        return ResultEntry(0, kind, count, "FR", NOW, "fr-ncb", "a",
                           Decimal(amount) if amount else None, currency)
    found = totals([entry(ResultKind.WALLET_FROZEN, 1, "1.5", "BTC"),
                    entry(ResultKind.ARREST, 2), entry(ResultKind.ARREST, 3),
                    entry(ResultKind.WALLET_FROZEN, 2, "2", "BTC"),
                    entry(ResultKind.WALLET_FROZEN, 1, "100", "EUR")])
    assert [(t.kind, t.count) for t in found] == [(ResultKind.ARREST, 5),
                                                  (ResultKind.WALLET_FROZEN, 4)]
    assert found[1].amounts == (("BTC", Decimal("3.5")), ("EUR", Decimal("100")))
    assert found[0].amounts == ()


def test_package_puts_local_targets_first_and_keeps_only_their_values() -> None:
    cases = [PackageCase(3, "b", "de-ncb", "ransomware", ("DE",), "amber", False),
             PackageCase(5, "a", "fr-ncb", "ransomware", ("FR",), "amber", True)]
    values = [PackageValue(5, "ipv4", "185.220.101.4", "C2"),
              PackageValue(3, "domain", "a.example", ""),
              PackageValue(9, "domain", "hidden.example", "")]
    pkg = package_of("fr-ncb", "FR", cases, values)
    assert [c.id for c in pkg.cases] == [5, 3]
    assert [v.case_id for v in pkg.values] == [3, 5]
