"""The Gateway rules, pure: which agreement covers a transfer, and why none does."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cyberfusion.domain.gateway import (
    Agreement,
    AgreementDraft,
    DataCategory,
    Direction,
    OutsideAgreement,
    check,
    current,
    draft_issues,
)

C = DataCategory
TODAY = date(2026, 6, 1)


def agreement(ref: str, start: date, until: date, ended: datetime | None = None,
              **categories: Direction) -> Agreement:
    """An agreement with acme-sec."""
    return Agreement(1, ref, "acme-sec", start, until,
                     {C(k): v for k, v in categories.items()}, ended_at=ended)


def reason(held: list[Agreement], way: Direction, *categories: DataCategory) -> str:
    """The refusal's detail."""
    with pytest.raises(OutsideAgreement) as refused:
        check(held, "acme-sec", way, categories, TODAY)
    assert refused.value.status == 403 and refused.value.issues
    return refused.value.detail


def test_every_way_outside_an_agreement_names_it_and_the_rule() -> None:
    assert reason([], Direction.INBOUND) == \
        "no gateway agreement is registered for partner acme-sec"
    old = agreement("GW-1", date(2025, 1, 1), date(2025, 12, 31))
    assert reason([old], Direction.INBOUND).endswith("GW-1 with acme-sec expired on 2025-12-31")
    soon = agreement("GW-2", date(2026, 7, 1), date(2027, 1, 1))
    assert "GW-2" in reason([old, soon], Direction.OUTBOUND) and "valid only from 2026-07-01" \
        in reason([old, soon], Direction.OUTBOUND)
    ended = agreement("GW-3", date(2026, 1, 1), date(2026, 12, 31),
                      datetime(2026, 5, 1, tzinfo=UTC), technical_indicators=Direction.BOTH)
    assert reason([ended], Direction.INBOUND).endswith("was ended on 2026-05-01")
    inbound = agreement("GW-4", date(2026, 1, 1), date(2026, 12, 31),
                        technical_indicators=Direction.INBOUND)
    assert reason([inbound], Direction.OUTBOUND, C.TECHNICAL_INDICATORS) == \
        "agreement GW-4 with acme-sec does not permit outbound technical_indicators"
    assert check([inbound], "acme-sec", Direction.INBOUND, [C.TECHNICAL_INDICATORS],
                 TODAY) is inbound


def test_last_day_is_included_and_the_latest_valid_one_wins() -> None:
    first = agreement("GW-1", date(2026, 1, 1), TODAY, case_summaries=Direction.BOTH)
    assert first.state(TODAY) == "valid"
    later = Agreement(2, "GW-2", "acme-sec", date(2026, 5, 1), date(2027, 1, 1), {})
    assert current([first, later], TODAY) is later


def test_drafts_are_checked_with_located_issues() -> None:
    bad = AgreementDraft("has space", "acme-sec", TODAY, date(2026, 1, 1),
                         {C.PERSONAL_DATA: Direction.BOTH})
    where = {i.location for i in draft_issues(bad)}
    assert where == {"reference", "valid_until", "categories.personal_data", "contact"}
    good = AgreementDraft("GW-2026/ACME.1", "acme-sec", TODAY, TODAY,
                          {C.PERSONAL_DATA: Direction.INBOUND}, contact="dpo")
    assert draft_issues(good) == []
